// server.go: cors.AllowAll() "for development" that shipped: every origin, every header,
// with credentials.
package server

import (
	"net/http"

	"github.com/rs/cors"
)

func New(h http.Handler) http.Handler {
	return cors.AllowAll().Handler(h)
}
