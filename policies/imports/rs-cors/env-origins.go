// Origins from the environment: known only at run time, so the import leaves a placeholder.
package main

import (
	"net/http"
	"os"
	"strings"

	"github.com/rs/cors"
)

func main() {
	mux := http.NewServeMux()
	c := cors.New(cors.Options{
		AllowedOrigins: strings.Split(os.Getenv("CORS_ORIGINS"), ","),
		AllowedMethods: []string{"GET", "POST"},
	})
	mux.Handle("/api/", c.Handler(http.NotFoundHandler()))
	http.ListenAndServe(":8080", mux)
}
