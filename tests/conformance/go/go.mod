module corscconformance

go 1.13

require github.com/rs/cors v1.11.1
