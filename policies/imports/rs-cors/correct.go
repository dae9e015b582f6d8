// A correct configuration: exact origins, credentials, listed methods and headers.
package main

import (
	"net/http"

	"github.com/rs/cors"
)

var frontends = []string{
	"https://app.example.com",
	"https://admin.example.com",
}

func withCORS(h http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins:   frontends,
		AllowedMethods:   []string{"GET", "PUT", "DELETE"},
		AllowedHeaders:   []string{"Content-Type", "X-CSRF-Token"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           7200,
	}).Handler(h)
}
