// End-to-end tests of authorization through a real `vox serve` on loopback:
// scoped and project keys made with `vox keys create`, each route family's
// 403 shape for a missing scope; JWT bearer tokens minted here with the
// `openssl` command (real RSA keys and HMAC secrets, real signatures); OAuth2
// client credentials from `vox clients create`; secrets given by file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;

// `vox keys create --data DATA args...`: the key printed alone on stdout.
std::string CreateKey(const std::filesystem::path& data, std::vector<std::string> args) {
  std::vector<std::string> all = {"keys", "create", "--data", data.string()};
  all.insert(all.end(), args.begin(), args.end());
  CommandResult r = RunVox(all);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string key = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(key.starts_with("vox_")) << r.out;
  return key;
}

class AuthE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(data(), {"--workers", "1"});
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  static std::filesystem::path data() { return dir_->path() / "data"; }
  static ApiClient Client(const std::string& key) { return ApiClient(server_->port(), key); }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* AuthE2e::dir_ = nullptr;
ServerProcess* AuthE2e::server_ = nullptr;

const json kSynth = {{"text", "Scopes."}, {"voice_id", "flite-slt"}, {"format", "wav"}};
const json kSpeech = {{"model", "tts-1"}, {"voice", "alloy"}, {"input", "Scopes."}};

TEST_F(AuthE2e, AReadOnlyKeyReadsAndIsRefusedWritesNamingTheScope) {
  std::string key = CreateKey(data(), {"--name", "reader", "--scopes", "tts:read,voices:read"});
  ApiClient api = Client(key);

  auto voices = api.Call("GET", "/v1/voices");
  ASSERT_TRUE(voices);
  EXPECT_EQ(voices->status, 200) << voices->body;
  auto job = api.Call("GET", "/v1/tts/job/00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, 404) << job->body;  // allowed to ask; there is no such job

  // Native shape: {"error":{"code","message","field"}}.
  auto submit = api.Submit(kSynth);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 403) << submit->body;
  json error = submit->JsonBody()["error"];
  EXPECT_EQ(error["code"], "permission_denied");
  EXPECT_EQ(error["field"], "scope");
  EXPECT_NE(error["message"].get<std::string>().find("'tts:write'"), std::string::npos);
  for (auto [method, path] : {std::pair{"POST", "/v1/tts/stream"},
                              {"DELETE", "/v1/tts/job/x"},
                              {"DELETE", "/v1/voices/x"},
                              {"GET", "/v1/voice/consent-statement?name=Jane"}}) {
    auto r = api.Call(method, path, kSynth.dump(), {{"Content-Type", "application/json"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << method << " " << path << ": " << r->body;
    std::string wanted = std::string(path).starts_with("/v1/tts") ? "tts:write" : "voices:write";
    EXPECT_NE(r->body.find("'" + wanted + "'"), std::string::npos) << r->body;
  }
  // An upload is refused from its headers (the gate), before its body.
  auto upload = api.Call("POST", "/v1/voice/create", std::string(1000, 'x'),
                         {{"Content-Type", "multipart/form-data; boundary=b"}});
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 403) << upload->body;
  EXPECT_NE(upload->body.find("'voices:write'"), std::string::npos);

  // OpenAI's shape: {"error":{"message","type","param","code"}}.
  auto speech =
      api.Call("POST", "/v1/audio/speech", kSpeech.dump(), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(speech);
  EXPECT_EQ(speech->status, 403) << speech->body;
  json openai_error = speech->JsonBody()["error"];
  EXPECT_EQ(openai_error["code"], "insufficient_scope");
  EXPECT_EQ(openai_error["type"], "invalid_request_error");
  EXPECT_TRUE(openai_error.contains("param"));
  EXPECT_NE(openai_error["message"].get<std::string>().find("'tts:write'"), std::string::npos);

  auto admin = api.Call("GET", "/v1/admin/protected-voices");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);
  EXPECT_NE(admin->body.find("'admin'"), std::string::npos);
}

TEST_F(AuthE2e, ADefaultKeyDoesEverythingButAdmin) {
  ApiClient api = Client(CreateKey(data(), {"--name", "writer", "--project", "podcast"}));
  auto submit = api.Submit(kSynth);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 202) << submit->body;
  auto speech =
      api.Call("POST", "/v1/audio/speech", kSpeech.dump(), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(speech);
  EXPECT_EQ(speech->status, 200) << speech->body.substr(0, 300);
  auto statement = api.Call("GET", "/v1/voice/consent-statement?name=Jane");
  ASSERT_TRUE(statement);
  EXPECT_EQ(statement->status, 200) << statement->body;
  auto admin = api.Call("GET", "/v1/admin/protected-voices");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403) << admin->body;

  ApiClient root = Client(server_->admin_key());
  auto listed = root.Call("GET", "/v1/admin/protected-voices");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << listed->body;
}

TEST_F(AuthE2e, AnAdminsKeyWithoutTheAdminScopeIsNoAdmin) {
  ApiClient api =
      Client(CreateKey(data(), {"--name", "ops", "--admin", "--scopes", "tts:read,voices:read"}));
  auto admin = api.Call("GET", "/v1/admin/protected-voices");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403) << admin->body;
  EXPECT_EQ(api.Call("GET", "/v1/voices")->status, 200);
}

TEST_F(AuthE2e, KeysCreateRefusesBadScopesAndListsScopesAndProjects) {
  auto bogus = RunVox({"keys", "create", "--data", data().string(), "--name", "x", "--scopes",
                       "tts:read,tts:delete"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("unknown scope 'tts:delete'"), std::string::npos) << bogus.err;
  EXPECT_NE(bogus.err.find("--scopes"), std::string::npos) << bogus.err;
  auto not_admin =
      RunVox({"keys", "create", "--data", data().string(), "--name", "x", "--scopes", "admin"});
  EXPECT_EQ(not_admin.exit_code, 2);
  EXPECT_NE(not_admin.err.find("admin"), std::string::npos) << not_admin.err;
  EXPECT_TRUE(not_admin.out.empty()) << "no key printed for a refused create";

  CreateKey(data(), {"--name", "lister", "--scopes", "voices:read", "--project", "mobile-app"});
  auto list = RunVox({"keys", "list", "--data", data().string(), "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json keys = json::parse(list.out);
  bool found = false;
  for (const json& k : keys) {
    if (k["name"] != "lister") continue;
    found = true;
    EXPECT_EQ(k["scopes"], "voices:read");
    EXPECT_EQ(k["project"], "mobile-app");
  }
  EXPECT_TRUE(found) << list.out;
  for (const json& k : keys) {
    if (k["name"] == "admin") {
      EXPECT_EQ(k["scopes"], "tts:read tts:write voices:read voices:write admin");
    }
  }
}

// --- JWT bearer tokens and OAuth2 ---------------------------------------------

// Runs a shell command; its stdout (binary-safe).
std::string Sh(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << command;
  return out;
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// base64url without padding, by the openssl command (not the code under test).
std::string B64Url(std::string_view bytes) {
  static int n = 0;
  const auto file = std::filesystem::temp_directory_path() /
                    ("vox-b64-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  WriteFile(file, std::string(bytes));
  std::string out = Sh("openssl base64 -A -in " + file.string() + " | tr '+/' '-_' | tr -d '='");
  std::filesystem::remove(file);
  return out;
}

class TokenE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto d = dir_->path();
    // An external issuer: an RSA key pair and an HMAC secret, as its files.
    Sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
       (d / "idp.pem").string() + " 2>/dev/null");
    Sh("openssl pkey -in " + (d / "idp.pem").string() + " -pubout -out " +
       (d / "idp.pub").string());
    Sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
       (d / "other.pem").string() + " 2>/dev/null");
    hs_secret_ = "hs256-" + Sh("openssl rand -hex 24");
    while (!hs_secret_.empty() && hs_secret_.back() == '\n') hs_secret_.pop_back();
    WriteFile(d / "jwt.secret", hs_secret_ + "\n");
    signing_secret_ = "signing-" + hs_secret_;
    WriteFile(d / "signing.secret", signing_secret_ + "\n");
    server_ = new ServerProcess(
        d / "data",
        {"--workers", "1", "--log-level", "info", "--jwt-secret-file", (d / "jwt.secret").string(),
         "--jwt-public-key-file", (d / "idp.pub").string(), "--jwt-issuer", "https://idp.test",
         "--jwt-audience", "vox-api", "--signing-secret-file", (d / "signing.secret").string()});
    server_->set_stderr_file(d / "server.log");
    ASSERT_TRUE(server_->Start()) << server_->output();
    auto list = RunVox({"keys", "list", "--data", (d / "data").string(), "--json"});
    for (const json& k : json::parse(list.out)) {
      if (k["name"] == "admin") admin_user_ = k["user_id"];
    }
    ASSERT_FALSE(admin_user_.empty()) << list.out << list.err;
    user_ = CreateUserAndReturnId("token-user");
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    // No secret reached the log, whose start-up line lists the settings.
    std::ifstream in(dir_->path() / "server.log", std::ios::binary);
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(log.find("vox starting"), std::string::npos) << log.substr(0, 500);
    EXPECT_NE(log.find("\"jwt_secret\":\"(set)\""), std::string::npos) << log.substr(0, 800);
    EXPECT_EQ(log.find(hs_secret_), std::string::npos);
    EXPECT_EQ(log.find(signing_secret_), std::string::npos);
    delete server_;
    delete dir_;
  }
  static std::string CreateUserAndReturnId(const std::string& name) {
    CreateKey(dir_->path() / "data", {"--name", name});
    auto list = RunVox({"keys", "list", "--data", (dir_->path() / "data").string(), "--json"});
    for (const json& k : json::parse(list.out)) {
      if (k["name"] == name) return k["user_id"];
    }
    return "";
  }
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  json Claims(const std::string& scope) const {
    return {{"iss", "https://idp.test"},
            {"aud", "vox-api"},
            {"sub", user_},
            {"scope", scope},
            {"iat", Now()},
            {"exp", Now() + 300}};
  }
  // Signs with `openssl dgst`: RS256 with a private key file, HS256 with a secret.
  static std::string Mint(const json& header, const json& claims, const std::string& rsa_key,
                          const std::string& hmac_secret = "") {
    const std::string input = B64Url(header.dump()) + "." + B64Url(claims.dump());
    const auto file = dir_->path() / "signing-input";
    WriteFile(file, input);
    std::string sig;
    if (!rsa_key.empty()) {
      sig = Sh("openssl dgst -sha256 -binary -sign " + rsa_key + " " + file.string());
    } else {
      std::string hex;
      for (unsigned char c : hmac_secret)
        hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
      sig =
          Sh("openssl dgst -sha256 -binary -mac HMAC -macopt hexkey:" + hex + " " + file.string());
    }
    return input + "." + B64Url(sig);
  }
  std::string Rs256(const json& claims) const {
    return Mint({{"alg", "RS256"}, {"typ", "JWT"}}, claims, (dir_->path() / "idp.pem").string());
  }
  static ApiClient Client(const std::string& token) { return ApiClient(server_->port(), token); }

  static TempDir* dir_;
  static ServerProcess* server_;
  static std::string hs_secret_, signing_secret_, admin_user_, user_;
};
TempDir* TokenE2e::dir_ = nullptr;
ServerProcess* TokenE2e::server_ = nullptr;
std::string TokenE2e::hs_secret_, TokenE2e::signing_secret_, TokenE2e::admin_user_, TokenE2e::user_;

TEST_F(TokenE2e, Rs256AndHs256TokensCarryTheirScopes) {
  ApiClient reader = Client(Rs256(Claims("openid tts:read voices:read")));
  auto voices = reader.Call("GET", "/v1/voices");
  ASSERT_TRUE(voices);
  EXPECT_EQ(voices->status, 200) << voices->body;
  auto submit = reader.Submit(kSynth);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 403) << submit->body;
  EXPECT_NE(submit->body.find("'tts:write'"), std::string::npos);

  ApiClient writer = Client(Mint({{"alg", "HS256"}}, Claims("tts:write tts:read"), "", hs_secret_));
  auto submitted = writer.Submit(kSynth);
  ASSERT_TRUE(submitted);
  EXPECT_EQ(submitted->status, 202) << submitted->body;
  json job = writer.WaitForFinal(submitted->JsonBody().value("job_id", ""));
  EXPECT_EQ(job.value("status", ""), "done") << job.dump();

  // An admin user's token with the admin scope reaches the admin routes.
  json admin = Claims("admin");
  admin["sub"] = admin_user_;
  auto listed = Client(Rs256(admin)).Call("GET", "/v1/admin/protected-voices");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << listed->body;
}

TEST_F(TokenE2e, RefusedTokensAre401) {
  const std::string pub = Sh("cat " + (dir_->path() / "idp.pub").string());
  const json good = Claims("tts:read voices:read");
  auto with = [&](const char* name, json value) {
    json c = good;
    if (value.is_null()) {
      c.erase(name);
    } else {
      c[name] = value;
    }
    return c;
  };
  const std::string none = B64Url(R"({"alg":"none","typ":"JWT"})") + "." + B64Url(good.dump());
  std::vector<std::pair<std::string, std::string>> cases = {
      {"alg none", none + "."},
      {"alg none, signed", none + "." + B64Url("x")},
      {"RS256 public key as HS256 secret", Mint({{"alg", "HS256"}}, good, "", pub)},
      {"expired", Rs256(with("exp", Now() - 120))},
      {"not yet valid", Rs256(with("nbf", Now() + 300))},
      {"wrong audience", Rs256(with("aud", "someone-else"))},
      {"no audience", Rs256(with("aud", nullptr))},
      {"wrong issuer", Rs256(with("iss", "https://evil.test"))},
      {"unknown subject", Rs256(with("sub", "not-a-vox-user"))},
      {"signed by another key",
       Mint({{"alg", "RS256"}}, good, (dir_->path() / "other.pem").string())},
      {"HS256 with another secret", Mint({{"alg", "HS256"}}, good, "", hs_secret_ + "x")},
      {"malformed", "eyJhbGciOiJSUzI1NiJ9.not-json.sig"},
      {"truncated", Rs256(good).substr(0, 100)},
      {"1 MB header", B64Url(std::string(1 << 20, ' ')) + "." + B64Url(good.dump()) + ".c2ln"},
  };
  for (const auto& [what, token] : cases) {
    auto r = Client(token).Call("GET", "/v1/voices");
    ASSERT_TRUE(r) << what;
    EXPECT_TRUE(r->status == 401 || (what == "1 MB header" && r->status == 431))
        << what << ": " << r->status << " " << r->body;
  }
  auto speech =
      Client(none + ".")
          .Call("POST", "/v1/audio/speech", kSpeech.dump(), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(speech);
  EXPECT_EQ(speech->status, 401);
  EXPECT_EQ(speech->JsonBody()["error"]["code"], "invalid_api_key");  // OpenAI's shape
}

TEST_F(TokenE2e, ClientCredentialsGrant) {
  const auto data = (dir_->path() / "data").string();
  auto created = RunVox({"clients", "create", "--data", data, "--name", "ci", "--scopes",
                         "tts:read,tts:write", "--project", "pipeline"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string id, secret;
  std::istringstream lines(created.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("client_id: ")) id = line.substr(11);
    if (line.starts_with("client_secret: ")) secret = line.substr(15);
  }
  ASSERT_FALSE(id.empty() || secret.empty()) << created.out;

  ApiClient anonymous(server_->port(), "");
  const http::HttpClient::HeaderList form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  auto token = anonymous.Call(
      "POST", "/v1/oauth/token",
      "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret, form);
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 200) << token->body;
  json body = token->JsonBody();
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["scope"], "tts:read tts:write");
  EXPECT_EQ(body["expires_in"], 3600);
  EXPECT_EQ(token->Header("Cache-Control").value_or(""), "no-store");

  ApiClient api = Client(body["access_token"]);
  auto submitted = api.Submit(kSynth);
  ASSERT_TRUE(submitted);
  EXPECT_EQ(submitted->status, 202) << submitted->body;
  auto voices = api.Call("GET", "/v1/voices");
  ASSERT_TRUE(voices);
  EXPECT_EQ(voices->status, 403) << voices->body;
  EXPECT_NE(voices->body.find("'voices:read'"), std::string::npos);

  std::string b64 = Sh("printf '%s' '" + id + ":" + secret + "' | openssl base64 -A");
  auto basic = anonymous.Call(
      "POST", "/v1/oauth/token", "grant_type=client_credentials&scope=tts:read",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic " + b64}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 200) << basic->body;
  EXPECT_EQ(basic->JsonBody()["scope"], "tts:read");

  auto wrong =
      anonymous.Call("POST", "/v1/oauth/token",
                     "grant_type=client_credentials&client_id=" + id + "&client_secret=nope", form);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->JsonBody()["error"], "invalid_client");
  EXPECT_TRUE(wrong->Header("WWW-Authenticate").has_value());
  auto grant =
      anonymous.Call("POST", "/v1/oauth/token",
                     "grant_type=password&client_id=" + id + "&client_secret=" + secret, form);
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->status, 400);
  EXPECT_EQ(grant->JsonBody()["error"], "unsupported_grant_type");

  // `vox clients list` never shows the secret.
  auto list = RunVox({"clients", "list", "--data", data});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(id), std::string::npos);
  EXPECT_EQ(list.out.find(secret), std::string::npos);
}

TEST_F(TokenE2e, SecretsFromFilesStayOutOfLogsAndHelp) {
  // The signing secret came from its file: none was generated.
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "data" / "secret"));
  EXPECT_EQ(server_->output().find(hs_secret_), std::string::npos);
  // The server's log (stderr, flushed when it stops) is checked in TearDownTestSuite.

  ::setenv("VOX_JWT_SECRET", "help-must-not-show-this-secret-0123456789", 1);
  auto help = RunVox({"serve", "--help"});
  ::unsetenv("VOX_JWT_SECRET");
  EXPECT_NE(help.out.find("VOX_JWT_SECRET_FILE"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("VOX_DATABASE_URL_FILE"), std::string::npos);
  EXPECT_NE(help.out.find("VOX_SIGNING_SECRET_FILE"), std::string::npos);
  EXPECT_EQ(help.out.find("help-must-not-show"), std::string::npos);

  // Both forms of one secret: refused, naming the setting.
  auto both =
      RunVox({"keys", "list", "--data", (dir_->path() / "data").string(), "--signing-secret", "x",
              "--signing-secret-file", (dir_->path() / "signing.secret").string()});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("VOX_SIGNING_SECRET_FILE"), std::string::npos) << both.err;
  auto missing = RunVox({"keys", "list", "--data", (dir_->path() / "data").string(),
                         "--jwt-secret-file", (dir_->path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("VOX_JWT_SECRET_FILE"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace vox::testing
