// cors.Default(): every origin, GET/POST/HEAD, a few simple headers.
package api

import (
	"net/http"

	"github.com/rs/cors"
)

func Wrap(h http.Handler) http.Handler {
	return cors.Default().Handler(h)
}
