// The scoring server inside another C++ program: serve the models given on the
// command line on a free loopback port until Enter is pressed, then drain.
//   build/release/deepfin train examples/credit_german.toml
//   build/release/examples/embedded_server out/credit_german.safetensors
#include <deepfin/deepfin.h>
#include <fmt/format.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) try {
  deepfin::serve::ServerOptions options;
  for (int i = 1; i < argc; ++i) options.models.push_back(argv[i]);
  if (options.models.empty()) options.models = {"out/credit_german.safetensors"};
  options.port = 0;                        // any free port
  deepfin::serve::Server server(options);  // loads and checks every model
  server.start();                          // serves on a background thread
  fmt::print("serving on http://127.0.0.1:{}/v1/models; press Enter to stop\n", server.port());
  std::string line;
  std::getline(std::cin, line);
  server.stop();  // answers the requests in flight, then closes
  return 0;
} catch (const deepfin::Error& e) {
  fmt::print(stderr, "embedded_server: {}\n", e.what());
  return 1;
}
