// main.go: "allow everything, we need cookies". rs/cors reflects the request's Origin when
// "*" is combined with AllowCredentials, so any site can read the API as the user.
package main

import (
	"net/http"

	"github.com/rs/cors"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/me", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"user":"me"}`))
	})

	c := cors.New(cors.Options{
		AllowedOrigins:   []string{"*"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodDelete},
	})
	http.ListenAndServe(":8080", c.Handler(mux))
}
