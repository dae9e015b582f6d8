// A subdomain wildcard (rs/cors' `*` takes dots too) and an origin function for partners.
package gateway

import (
	"net/http"
	"os"
	"strings"

	"github.com/rs/cors"
)

var publicAPI = cors.New(cors.Options{
	AllowedOrigins: []string{"https://*.example.com", "https://Example.com"},
	AllowedHeaders: []string{"*"},
	ExposedHeaders: []string{"X-Request-Id"},
	MaxAge:         600,
})

var partnerAPI = cors.New(cors.Options{
	AllowOriginFunc: func(origin string) bool {
		return strings.HasSuffix(origin, os.Getenv("PARTNER_DOMAIN"))
	},
	AllowCredentials: true,
})

func Routes(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/public/", publicAPI.Handler(h))
	mux.Handle("/partner/", partnerAPI.Handler(h))
	return mux
}
