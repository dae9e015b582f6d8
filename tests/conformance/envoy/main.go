// Command envoyvalidate checks Envoy route configurations the way Envoy loads them: each
// argument is a JSON file holding one RouteConfiguration, decoded with protojson (an unknown
// field is an error, as in Envoy's strict validation) and checked with the
// protoc-gen-validate rules of Envoy's API (ValidateAll), and so is every per-route CORS
// policy inside it (typed_per_filter_config). Prints the count checked; exits 1 on the first
// file that fails, naming it.
package main

import (
	"fmt"
	"os"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	"google.golang.org/protobuf/encoding/protojson"
)

func check(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rc routev3.RouteConfiguration
	if err := protojson.Unmarshal(data, &rc); err != nil {
		return err
	}
	if err := rc.ValidateAll(); err != nil {
		return err
	}
	policies := 0
	for _, vh := range rc.GetVirtualHosts() {
		for _, r := range vh.GetRoutes() {
			for name, anyCfg := range r.GetTypedPerFilterConfig() {
				var p corsv3.CorsPolicy
				if err := anyCfg.UnmarshalTo(&p); err != nil {
					return fmt.Errorf("route %q, %s: %w", r.GetName(), name, err)
				}
				if err := p.ValidateAll(); err != nil {
					return fmt.Errorf("route %q, %s: %w", r.GetName(), name, err)
				}
				policies++
			}
		}
	}
	if policies == 0 && len(rc.GetVirtualHosts()) == 0 {
		return fmt.Errorf("no virtual host")
	}
	return nil
}

func main() {
	for _, path := range os.Args[1:] {
		if err := check(path); err != nil {
			fmt.Printf("%s: %v\n", path, err)
			os.Exit(1)
		}
	}
	fmt.Printf("%d route configurations valid\n", len(os.Args)-1)
}
