"""The online applications that put bodies and labs on the register, from submission to publication.

May import :mod:`certis.bodies.register`; never the reverse."""
