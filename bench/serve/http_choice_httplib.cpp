// bench/serve/http_library_choice.sh: the cpp-httplib side. It answers every POST
// with a fixed JSON body the size of a credit prediction, the way `deepfin serve`
// uses the library (thread pool, keep-alive, TCP_NODELAY, backlog), so that only the HTTP
// layer is measured.
#include <httplib.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 18191;
  const std::string answer(400, 'x');
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(128); };
  server.set_keep_alive_max_count(1000000);
  server.set_tcp_nodelay(true);
  // As deepfin serve does: SO_REUSEADDR only, and a backlog raised past the library's 5.
  int fd = -1;
  server.set_socket_options([&fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    fd = sock;
  });
  server.Post(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_content("{\"n\":" + std::to_string(req.body.size()) + ",\"p\":\"" + answer + "\"}", "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port)) return 1;
  ::listen(fd, SOMAXCONN);
  server.listen_after_bind();
}
