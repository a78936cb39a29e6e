// The whole `ragd serve` process once its configuration is known: the data folder, the LLM
// chain, the services and routes, the HTTP server, the access log; returns the exit code
// after a graceful stop (SIGTERM / SIGINT).
#pragma once

#include "server/server_config.h"

namespace ragd::server {

// Prints one line to stdout when listening:
//   {"event":"listening","host":"127.0.0.1","port":8080,"tls":false}
// and then one JSON access-log line per request to stderr.
int run_server(const ServerConfig& config);

}  // namespace ragd::server
