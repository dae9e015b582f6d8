// Command corsc-conformance-go-routers serves corsc's `gin`, `chi` and `echo` outputs for
// `corsc verify`.
//
// tests/conformance_go_routers.rs copies this file into a module beside one package per
// policy and target (each the unchanged output of `corsc compile --target gin|chi|echo`) and a
// handlers.go listing them. Arguments are `target:number`; each is served by its router on its
// own ephemeral port of 127.0.0.1, and one line {"ports":[...]} on standard output says which,
// in argument order. Every router has the same routes, each naming itself in the
// X-Corsc-Route header (tests/security/paths.rs checks a request gets the CORS of the policy
// owning the route the router picked): `/api/admin/*` ("admin"), `/api/admin` ("api": the
// bare boundary, so no router redirects it) and everything else ("other"), each answering 200
// "ok". The process exits when standard input closes (the test is gone) and after ten minutes
// in any case.
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

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"

	// The generated packages import these; named here so go.mod and go.sum keep them.
	_ "github.com/gin-contrib/cors"
	_ "github.com/go-chi/cors"
	_ "github.com/labstack/echo/v4/middleware"
)

func ginApp(mw gin.HandlerFunc) http.Handler {
	route := func(name string) gin.HandlerFunc {
		return func(c *gin.Context) {
			c.Header("X-Corsc-Route", name)
			c.String(http.StatusOK, "ok\n")
		}
	}
	r := gin.New()
	r.Use(mw)
	r.Any("/api/admin/*rest", route("admin"))
	r.Any("/api/admin", route("api"))
	r.NoRoute(route("other"))
	return r
}

func chiApp(mw func(http.Handler) http.Handler) http.Handler {
	route := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Corsc-Route", name)
			io.WriteString(w, "ok\n")
		}
	}
	r := chi.NewRouter()
	r.Use(mw)
	r.HandleFunc("/api/admin/*", route("admin"))
	r.HandleFunc("/api/admin", route("api"))
	r.NotFound(route("other"))
	r.MethodNotAllowed(route("other"))
	return r
}

func echoApp(mw echo.MiddlewareFunc) http.Handler {
	route := func(name string) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Corsc-Route", name)
			return c.String(http.StatusOK, "ok\n")
		}
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Use(mw)
	e.Any("/api/admin/*", route("admin"))
	e.Any("/api/admin", route("api"))
	e.Any("/*", route("other"))
	return e
}

func app(arg string) (http.Handler, error) {
	target, number, _ := strings.Cut(arg, ":")
	k, err := strconv.Atoi(number)
	if err != nil || k < 0 {
		return nil, fmt.Errorf("no policy %q", arg)
	}
	switch {
	case target == "gin" && k < len(ginPolicies):
		return ginApp(ginPolicies[k]()), nil
	case target == "chi" && k < len(chiPolicies):
		return chiApp(chiPolicies[k]), nil
	case target == "echo" && k < len(echoPolicies):
		return echoApp(echoPolicies[k]()), nil
	}
	return nil, fmt.Errorf("no policy %q", arg)
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	var ports []string
	for _, a := range os.Args[1:] {
		h, err := app(a)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot listen on 127.0.0.1: %v\n", err)
			os.Exit(1)
		}
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		go http.Serve(ln, h)
	}
	fmt.Printf("{\"ports\":[%s]}\n", strings.Join(ports, ","))
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	time.Sleep(10 * time.Minute)
}
