// End-to-end TLS and the internal listener against `vox serve`, with the real clients: the
// openssl CLI makes the certificates and probes versions and the served certificate, curl
// and node (https, and the pinned `ws` on wss://) talk to it. Also: SIGHUP switches the
// certificate, a broken one is refused and logged while the old one keeps serving, start-up
// refuses half or mismatched settings, and the database URL's password never reaches a log.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Cert {
  std::string crt, key, sha256;
};

Cert MakeCert(const fs::path& dir, const std::string& name) {
  Cert c{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string(), {}};
  auto made =
      RunProgram({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-keyout", c.key, "-out", c.crt, "-days", "1", "-subj", "/CN=" + name,
                  "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  auto fp = RunProgram({"openssl", "x509", "-in", c.crt, "-noout", "-fingerprint", "-sha256"});
  c.sha256 = fp.out;
  return c;
}

// The SHA-256 fingerprint of the certificate the server presents now, as openssl x509 prints it.
std::string ServedFingerprint(uint16_t port) {
  return RunShell("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                  " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256")
      .out;
}

CommandResult S_client(uint16_t port, const std::string& flags) {
  return RunShell("openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " + flags +
                  " </dev/null 2>&1");
}

// curl's status code (and body after it) for `url`; extra curl flags first.
std::string Curl(const std::string& flags, const std::string& url) {
  return RunShell("curl -sS -o /dev/stdout -w ' %{http_code}' " + flags + " '" + url + "'").out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(TlsE2E, HttpsVersionsReloadWebSocketAndInternalListener) {
  const fs::path source(VOX_SOURCE_DIR);
  TempDir dir;
  const Cert a = MakeCert(dir.path(), "a"), b = MakeCert(dir.path(), "b");
  ASSERT_NE(a.sha256, b.sha256);
  const std::string crt = (dir.path() / "server.crt").string(),
                    key = (dir.path() / "server.key").string();
  fs::copy_file(a.crt, crt);
  fs::copy_file(a.key, key);

  // The key from the environment, the certificate from a flag that beats a bad environment.
  setenv("VOX_TLS_CERT", "/nonexistent.crt", 1);
  setenv("VOX_TLS_KEY", key.c_str(), 1);
  ServerProcess server(dir.path() / "data", {"--tls-cert", crt, "--internal-listen", "127.0.0.1:0",
                                             "--log-level", "info"});
  server.set_stderr_file(dir.path() / "vox.log");
  const bool started = server.Start();
  unsetenv("VOX_TLS_CERT");
  unsetenv("VOX_TLS_KEY");
  ASSERT_TRUE(started) << server.output() << ReadFile(dir.path() / "vox.log");
  const uint16_t port = server.port();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(server.output(), m,
                                std::regex(R"(vox: internal listening on http://[^:]+:(\d+))")))
      << server.output();
  const uint16_t internal = static_cast<uint16_t>(std::stoi(m[1]));
  EXPECT_NE(server.output().find("vox: listening on https://"), std::string::npos);
  const std::string https = "https://127.0.0.1:" + std::to_string(port);
  const std::string inside = "http://127.0.0.1:" + std::to_string(internal);

  // Versions: 1.2 and 1.3 with curl verifying the certificate; 1.1 refused; plain HTTP gets
  // no HTTP answer.
  EXPECT_EQ(Curl("--cacert " + a.crt + " --tlsv1.2 --tls-max 1.2", https + "/healthz"),
            R"({"status":"ok"} 200)");
  EXPECT_EQ(Curl("--cacert " + a.crt + " --tlsv1.3", https + "/healthz"), R"({"status":"ok"} 200)");
  EXPECT_NE(S_client(port, "-tls1_2").out.find("New, TLSv1.2"), std::string::npos);
  EXPECT_NE(S_client(port, "-tls1_3").out.find("New, TLSv1.3"), std::string::npos);
  const CommandResult old = S_client(port, "-tls1_1 -cipher DEFAULT@SECLEVEL=0");
  EXPECT_NE(old.exit_code, 0) << old.out;
  EXPECT_EQ(old.out.find("New, TLSv1.1"), std::string::npos) << old.out;
  EXPECT_EQ(Curl("", "http://127.0.0.1:" + std::to_string(port) + "/healthz").find("200"),
            std::string::npos);

  // The internal listener: /metrics and detailed /readyz there, 404 (or brief) in public.
  EXPECT_TRUE(Curl("--cacert " + a.crt, https + "/metrics").ends_with(" 404"));
  const std::string metrics = Curl("", inside + "/metrics");
  EXPECT_TRUE(metrics.ends_with(" 200"));
  EXPECT_NE(metrics.find("vox_http_requests_total"), std::string::npos);
  const std::string brief = Curl("--cacert " + a.crt, https + "/readyz");
  EXPECT_EQ(brief, R"({"status":"ready"} 200)");
  const std::string detailed = Curl("", inside + "/readyz");
  EXPECT_NE(detailed.find("\"checks\""), std::string::npos) << detailed;
  const std::string admin = "-X POST -H 'Authorization: Bearer " + server.admin_key() + "' ";
  EXPECT_TRUE(
      Curl(admin + "--cacert " + a.crt, https + "/v1/admin/models/reload").ends_with(" 404"));
  const std::string reload = Curl(admin, inside + "/v1/admin/models/reload");
  EXPECT_TRUE(reload.ends_with(" 200")) << reload;
  EXPECT_TRUE(Curl("", inside + "/healthz").ends_with(" 200"));

  // node: https verified against the certificate, and the ElevenLabs WebSocket over wss://.
  const CommandResult node =
      RunShell("node " + (source / "tests/tls/wss_probe.mjs").string() + " " +
               std::to_string(port) + " " + a.crt + " " + server.admin_key());
  ASSERT_EQ(node.exit_code, 0) << node.out;
  const json probe = json::parse(node.out, nullptr, false);
  ASSERT_FALSE(probe.is_discarded()) << node.out;
  EXPECT_EQ(probe["healthz"]["status"], 200) << probe.dump();
  EXPECT_EQ(probe["metrics"]["status"], 404) << probe.dump();
  EXPECT_EQ(probe["wss"]["close"], 1000) << probe.dump();
  EXPECT_TRUE(probe["wss"]["final"].get<bool>()) << probe.dump();
  EXPECT_GT(probe["wss"]["audio_bytes"].get<int>(), 16000) << probe.dump();  // > 0.5 s of PCM

  // SIGHUP: new handshakes get b.
  EXPECT_EQ(ServedFingerprint(port), a.sha256);
  fs::copy_file(b.crt, crt, fs::copy_options::overwrite_existing);
  fs::copy_file(b.key, key, fs::copy_options::overwrite_existing);
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  std::string served;
  for (int i = 0; i < 100 && (served = ServedFingerprint(port)) != b.sha256; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(served, b.sha256);
  // A broken certificate: refused, logged, b keeps serving.
  std::ofstream(crt, std::ios::trunc) << "not a certificate\n";
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  bool logged = false;
  for (int i = 0; i < 100 && !logged; ++i) {
    logged = ReadFile(dir.path() / "vox.log").find("TLS reload failed") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(logged) << ReadFile(dir.path() / "vox.log");
  EXPECT_EQ(ServedFingerprint(port), b.sha256);
  EXPECT_EQ(Curl("--cacert " + b.crt, https + "/healthz"), R"({"status":"ok"} 200)");
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(TlsE2E, StartupRefusesHalfOrMismatchedSettings) {
  TempDir dir;
  const Cert a = MakeCert(dir.path(), "a"), b = MakeCert(dir.path(), "b");
  const std::string data = (dir.path() / "data").string();
  auto serve = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve", "--data", data, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunVox(args);
  };
  const CommandResult half = serve({"--tls-cert", a.crt});
  EXPECT_NE(half.exit_code, 0);
  EXPECT_NE((half.out + half.err).find("VOX_TLS_KEY"), std::string::npos) << half.err;
  const CommandResult mismatched = serve({"--tls-cert", a.crt, "--tls-key", b.key});
  EXPECT_NE(mismatched.exit_code, 0);
  EXPECT_NE((mismatched.out + mismatched.err).find("does not match"), std::string::npos)
      << mismatched.err;
  const CommandResult unreadable = serve({"--tls-cert", a.crt + ".missing", "--tls-key", a.key});
  EXPECT_NE(unreadable.exit_code, 0);
  EXPECT_NE((unreadable.out + unreadable.err).find("cannot read TLS certificate"),
            std::string::npos)
      << unreadable.err;
}

TEST(TlsE2E, DatabasePasswordNeverPrinted) {
  TempDir dir;
  // An option SQLite does not know: start-up fails, after logging its settings.
  const CommandResult r =
      RunVox({"serve", "--data", (dir.path() / "data").string(), "--listen", "127.0.0.1:0",
              "--log-level", "info", "--database-url",
              "sqlite://" + (dir.path() / "vox.db").string() + "?password=hunter2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ((r.out + r.err).find("hunter2"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("password=***"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace vox::testing
