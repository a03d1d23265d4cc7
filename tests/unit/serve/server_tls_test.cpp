// HTTPS through cpp-httplib's OpenSSL support: a client that trusts the server's
// certificate scores over TLS; plain HTTP to the same port gets no answer.
#include <gtest/gtest.h>

#include <cstdlib>

#include "serve_fixture.h"

namespace {

class ServeTls : public deepfin::testing::ServeFixture {};

TEST_F(ServeTls, ServesHttpsWithTheGivenCertificate) {
  // A throwaway self-signed certificate for 127.0.0.1, made by the openssl command (scripts/setup.sh installs it).
  const std::string cert = path("cert.pem"), key = path("key.pem");
  const std::string make =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
      "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  start({.models = {credit_model()}, .tls_cert = cert, .tls_key = key});

  httplib::SSLClient tls("127.0.0.1", server_->port());
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  const auto r =
      tls.Post("/v1/models/credit:predict",
               R"({"instances": [{"income": 1, "debt": 2, "purpose": "tv"}], "explain": false})", "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"probability\""), std::string::npos);

  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(2, 0);
  EXPECT_FALSE(plain.Get("/healthz"));
}

TEST_F(ServeTls, AKeyThatIsNotPemIsRefusedAtStart) {
  try {
    deepfin::serve::Server s({.models = {credit_model()},
                              .port = 0,
                              .tls_cert = write("cert.pem", "not a certificate"),
                              .tls_key = write("key.pem", "not a key")});
    ADD_FAILURE() << "started with a broken certificate";
  } catch (const deepfin::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot use the TLS certificate"), std::string::npos) << e.what();
  }
}

}  // namespace
