// Command corsc-conformance-go serves corsc's `go` output (rs/cors) for `corsc verify`.
//
// tests/conformance_go.rs copies this file into a GOPATH package beside one package per
// policy (each the unchanged output of `corsc compile --target go`) and a handlers.go listing
// their Handler functions. Arguments are policy numbers; each is served on its own ephemeral
// port of 127.0.0.1, and one line {"ports":[...]} on standard output says which, in argument
// order. Every request the policy lets through gets 200 "ok" from an http.ServeMux with three
// routes (/api/admin/, /api/, /), each naming itself in the X-Corsc-Route header:
// tests/security/paths.rs checks that a request gets the CORS of the policy owning the route
// the mux actually picked (the mux cleans paths and unescapes segments before it matches). The process exits when standard
// input closes (the test is gone) and after ten minutes in any case.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	route := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Corsc-Route", name)
			io.WriteString(w, "ok\n")
		}
	}
	ok := http.NewServeMux()
	ok.Handle("/api/admin/", route("admin"))
	ok.Handle("/api/", route("api"))
	ok.Handle("/", route("other"))
	var ports []string
	for _, a := range os.Args[1:] {
		k, err := strconv.Atoi(a)
		if err != nil || k < 0 || k >= len(handlers) {
			fmt.Fprintf(os.Stderr, "no policy %q\n", a)
			os.Exit(2)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot listen on 127.0.0.1: %v\n", err)
			os.Exit(1)
		}
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		go http.Serve(ln, handlers[k](ok))
	}
	fmt.Printf("{\"ports\":[%s]}\n", strings.Join(ports, ","))
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	time.Sleep(10 * time.Minute)
}
