// External check of a Certis log export with golang.org/x/mod/sumdb/{note,tlog} (Debian: golang-go and
// golang-golang-x-mod-dev). Usage: tlogcheck DIRECTORY VERIFIER_KEY; prints inclusion proofs as JSON.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type hashes []tlog.Hash

func (h hashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = h[x]
	}
	return out, nil
}

func fail(f string, a ...interface{}) { fmt.Fprintf(os.Stderr, f+"\n", a...); os.Exit(1) }

func c2sp(t tlog.Tile) string { // Go writes tile/8/L/N[.p/W]; C2SP has no height element
	return strings.Replace(t.Path(), "tile/8/", "tile/", 1)
}

func main() {
	dir, vkey := os.Args[1], os.Args[2]
	v, err := note.NewVerifier(vkey)
	if err != nil { fail("verifier: %v", err) }
	msg, _ := os.ReadFile(filepath.Join(dir, "checkpoint"))
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil { fail("note.Open: %v", err) }
	lines := strings.Split(n.Text, "\n")
	size, _ := strconv.ParseInt(lines[1], 10, 64)
	root, _ := base64.StdEncoding.DecodeString(lines[2])
	var stored hashes
	rec := int64(0)
	for i := int64(0); i*256 < size; i++ {
		w := size - i*256
		if w > 256 { w = 256 }
		t := tlog.Tile{H: 8, L: -1, N: i, W: int(w)}
		p := strings.Replace(t.Path(), "tile/8/data/", "tile/entries/", 1)
		b, _ := os.ReadFile(filepath.Join(dir, p))
		for len(b) > 0 {
			l := binary.BigEndian.Uint16(b)
			data := b[2 : 2+l]
			b = b[2+l:]
			hs, err := tlog.StoredHashes(rec, data, stored)
			if err != nil { fail("StoredHashes: %v", err) }
			stored = append(stored, hs...)
			rec++
		}
	}
	if rec != size { fail("entries: %d, size %d", rec, size) }
	th, err := tlog.TreeHash(size, stored)
	if err != nil { fail("TreeHash: %v", err) }
	if !bytes.Equal(th[:], root) { fail("root differs") }
	count := 0
	widest := map[[2]int64]int{}
	for _, t := range tlog.NewTiles(8, 0, size) {
		k := [2]int64{int64(t.L), t.N}
		if t.W > widest[k] { widest[k] = t.W }
	}
	for _, t := range tlog.NewTiles(8, 0, size) {
		if t.W != widest[[2]int64{int64(t.L), t.N}] { continue } // x/mod 0.7 lists every older partial too
		want, err := tlog.ReadTileData(t, stored)
		if err != nil { fail("ReadTileData %v: %v", t, err) }
		got, err := os.ReadFile(filepath.Join(dir, c2sp(t)))
		if err != nil { fail("%s: %v", c2sp(t), err) }
		if !bytes.Equal(want, got) { fail("%s differs", c2sp(t)) }
		count++
	}
	proofs := map[string][]string{}
	for _, i := range []int64{0, size / 2, size - 1} {
		p, err := tlog.ProveRecord(size, i, stored)
		if err != nil { fail("ProveRecord: %v", err) }
		rh := stored[tlog.StoredHashIndex(0, i)]
		if err := tlog.CheckRecord(p, size, th, i, rh); err != nil { fail("CheckRecord: %v", err) }
		var enc []string
		for _, h := range p { enc = append(enc, base64.StdEncoding.EncodeToString(h[:])) }
		proofs[strconv.FormatInt(i, 10)] = enc
	}
	out, _ := json.Marshal(proofs)
	fmt.Fprintf(os.Stderr, "go x/mod: signature, root and %d tiles of size %d verified\n", count, size)
	fmt.Println(string(out))
}
