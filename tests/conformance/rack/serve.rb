# frozen_string_literal: true

# Serves corsc's `rails` output (rack-cors) for `corsc verify`: tests/conformance_rack.rs.
#
# Arguments are files: each a generated config/initializers/cors.rb (`--shape include`) or a
# generated config.ru (`--shape server`), loaded unchanged and served on its own ephemeral
# port of 127.0.0.1 by its own `Puma::Server` in this one process (threads started on demand,
# no request queueing reactor: a few hundred servers stay cheap); one line {"ports":[...]} on
# standard output says which, in argument order. The process exits when standard input
# closes (the test is gone).
#
# Rails is not loaded: the initializer's one Rails call,
# `Rails.application.config.middleware.insert_before 0, Rack::Cors do ... end`, goes to the
# stub below, which records the middleware and its block; the app is then
# `Rack::Cors.new(app, &block)` exactly as Rails' middleware stack builds it. A config.ru is
# read as `rackup` reads it (`Rack::Builder.new { ... }.to_app`). Each file is evaluated
# inside a fresh anonymous module, so the `CorscCors` module of one policy file never meets
# another's in this shared process.
#
# Every request a policy lets through gets 200 "ok" from a tiny router with three routes
# (/api/admin/, /api/, /), each naming itself in the X-Corsc-Route header. By default it
# matches on the path rack-cors reads (decoded, cleaned); with CORSC_RACK_ROUTER=rails, on the
# path as Rails' router (Journey) reads it: the path as sent, slashes squeezed, the trailing
# ones cut, escapes kept (tests/security/paths.rs).

require "json"
require "rack"
require "rack/cors"
require "puma"
require "puma/server"

# The stub of `Rails.application.config.middleware` (see above).
module Rails
  Recorded = Struct.new(:klass, :args, :block)

  # Records `insert_before` calls.
  class MiddlewareStub
    attr_reader :recorded

    def initialize
      @recorded = []
    end

    def insert_before(_index, klass, *args, &block)
      @recorded << Recorded.new(klass, args, block)
    end
  end

  CONFIG = Struct.new(:middleware).new(MiddlewareStub.new)
  APPLICATION = Struct.new(:config).new(CONFIG)

  def self.application
    APPLICATION
  end
end

# The path as Journey's `Utils.normalize_path` leaves it: a leading `/`, runs of `/` squeezed,
# trailing `/` cut, escapes upper-cased but not decoded.
def rails_path(path)
  path = "/#{path}".squeeze("/").sub(%r{/+\z}, "")
  path = "/" if path.empty?
  path.gsub(/%[0-9a-f]{2}/i, &:upcase)
end

ROUTER = lambda do |env|
  if ENV["CORSC_RACK_ROUTER"] == "rails"
    # A glob route `/api/admin/*rest` needs a segment after `/api/admin/`.
    path = rails_path(env["PATH_INFO"].to_s)
  else
    path = Rack::Utils.unescape_path(env["PATH_INFO"].to_s)
    path = Rack::Utils.clean_path_info(path) if Rack::Utils.valid_path?(path)
  end
  route = if path.start_with?("/api/admin/") then "admin"
          elsif path.start_with?("/api/") then "api"
          else "other"
          end
  [200, { "content-type" => "text/plain", "x-corsc-route" => route }, ["ok\n"]]
end

def app_of(file)
  text = File.read(file)
  if file.end_with?(".ru")
    Module.new.module_eval("Rack::Builder.new {\n#{text}\n}.to_app", file, 0)
  else
    stack = Rails.application.config.middleware.recorded
    stack.clear
    load(file, Module.new)
    raise "#{file}: expected one insert_before, got #{stack.size}" unless stack.size == 1

    m = stack.first
    m.klass.new(ROUTER, *m.args, &m.block)
  end
end

events = Puma::Events.null
ports = ARGV.map do |file|
  server = Puma::Server.new(app_of(file), events, min_threads: 0, max_threads: 4, queue_requests: false)
  server.add_tcp_listener("127.0.0.1", 0)
  server.run
  server.connected_ports.first
end
$stdout.puts(JSON.generate({ ports: ports }))
$stdout.flush
$stdin.read
exit!(0)
