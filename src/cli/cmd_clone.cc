// vox clone / vox protected: voice cloning and the protected-voice list,
// offline, straight on the data directory (database and blob store).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "blob/encrypted_blob_store.h"
#include "cli/cloning_setup.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/open_store.h"
#include "cli/platform.h"
#include "cloning/clone_metadata.h"
#include "common/clock.h"
#include "common/utc_time.h"
#include "engines/engine_registry.h"
#include "store/store.h"
#include "voice/consent.h"

namespace vox::cli {
namespace {

using nlohmann::json;

// Voices cloned from the command line belong to this user unless --owner
// names another: the offline CLI has no API key to take an identity from.
constexpr const char* kLocalUserId = "00000000-0000-4000-8000-000000000001";

struct CloneOptions {
  PlatformConfig config;
  std::string name;
  std::string speaker_name;
  std::string consent;
  std::string challenge_id;
  std::string description;
  std::vector<std::string> labels;
  std::string owner;
  std::vector<std::string> files;
  std::string id;
  bool json_output = false;
};

// Everything a cloning command works on, opened from the data directory.
struct Offline {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<blob::BlobStore> blobs;
  std::unique_ptr<engines::EngineRegistry> engines;
  CloningKit kit;
};

Result<Offline> OpenOffline(PlatformConfig& config) {
  VOX_RETURN_IF_ERROR(config.Finalize());
  VOX_RETURN_IF_ERROR(MigrateDatabase(config));
  Offline o;
  VOX_ASSIGN_OR_RETURN(o.store, OpenConfiguredStore(config));
  VOX_ASSIGN_OR_RETURN(o.blobs, blob::OpenBlobStore(config.storage_url, config.encryption_key_file,
                                                    config.encryption_plaintext == "refuse"));
  engines::EnginesConfig engines_config;
  engines_config.espeak = false;  // conversions start from flite voices only
  VOX_ASSIGN_OR_RETURN(o.engines, engines::EngineRegistry::Create(engines_config));
  VOX_ASSIGN_OR_RETURN(o.kit, MakeCloningKit(*o.store, *o.blobs, *o.engines, config));
  return o;
}

// Reads a whole file, refusing one over `max_bytes` before reading it.
Result<std::string> ReadAudioFile(const std::string& path, size_t max_bytes,
                                  const std::string& option) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgument("cannot read '" + path + "': " + ec.message(), option);
  if (size > max_bytes) {
    return InvalidArgument(
        "'" + path + "' is larger than the upload limit of " + std::to_string(max_bytes) + " bytes",
        option);
  }
  std::ifstream in(path, std::ios::binary);
  std::string data(size, '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(size))) {
    return InvalidArgument("cannot read '" + path + "'", option);
  }
  return data;
}

Result<std::string> OwnerId(store::Store& store, const std::string& owner) {
  if (!owner.empty()) {
    auto user = store.GetUser(owner);
    if (!user) return NotFound("no user with id " + owner + " (see `vox keys list`)", "owner");
    return user->id;
  }
  if (store.GetUser(kLocalUserId)) return std::string(kLocalUserId);
  store::User local;
  local.id = kLocalUserId;
  local.name = "local";
  VOX_ASSIGN_OR_RETURN(store::User created, store.CreateUser(local));
  return created.id;
}

Status RunClone(CloneOptions& o) {
  VOX_ASSIGN_OR_RETURN(Offline off, OpenOffline(o.config));
  VOX_ASSIGN_OR_RETURN(std::string owner, OwnerId(*off.store, o.owner));
  // The file contents must outlive the views the cloner gets.
  std::vector<std::string> contents;
  contents.reserve(o.files.size() + 1);
  cloning::CloneInput input;
  input.name = o.name;
  input.speaker_name = o.speaker_name;
  input.description = o.description;
  input.labels = o.labels;
  input.challenge_id = o.challenge_id;
  for (const auto& path : o.files) {
    VOX_ASSIGN_OR_RETURN(contents.emplace_back(),
                         ReadAudioFile(path, o.config.max_upload_bytes, "files"));
    input.files.push_back({path, contents.back()});
  }
  if (!o.consent.empty()) {
    VOX_ASSIGN_OR_RETURN(contents.emplace_back(),
                         ReadAudioFile(o.consent, o.config.max_upload_bytes, "consent"));
    input.consent_audio = cloning::UploadedAudio{o.consent, contents.back()};
  }
  cloning::Actor actor{owner, std::nullopt, "", "cli"};
  VOX_ASSIGN_OR_RETURN(store::Voice voice, off.kit.cloner->Create(input, actor));
  json out = {{"voice_id", voice.id},
              {"name", voice.name},
              {"status", store::VoiceStatusName(voice.status)},
              {"base_voice", voice.base_voice},
              {"owner", owner}};
  out.update(cloning::PublicCloneMetadata(voice.metadata));
  // Scripts want the id alone on stdout (as `vox keys create` prints a key).
  if (o.json_output) {
    std::cout << out.dump(2) << std::endl;
  } else {
    std::cout << voice.id << std::endl;
  }
  return {};
}

// Issues a one-time challenge in the data directory's store, as the API's
// GET /v1/voice/consent-statement does, for the voice's future owner: the
// statement (ending with the challenge) on stdout, the challenge's id for
// `vox clone --challenge-id` on stderr (or all of it as JSON).
Status RunConsentStatement(CloneOptions& o) {
  VOX_ASSIGN_OR_RETURN(Offline off, OpenOffline(o.config));
  const auto& cloner = *off.kit.cloner;
  if (!cloner.config().require_consent || !cloner.config().require_challenge) {
    VOX_ASSIGN_OR_RETURN(std::string text, cloner.ConsentStatement(o.speaker_name));
    std::cout << (o.json_output ? json{{"statement", text}}.dump(2) : text) << std::endl;
    return {};
  }
  VOX_ASSIGN_OR_RETURN(std::string owner, OwnerId(*off.store, o.owner));
  VOX_ASSIGN_OR_RETURN(store::ConsentChallenge issued,
                       cloner.IssueChallenge(o.speaker_name, {owner, std::nullopt, "", "cli"}));
  VOX_ASSIGN_OR_RETURN(std::string text, cloner.ConsentStatement(o.speaker_name, issued.challenge));
  if (o.json_output) {
    std::cout << json{{"statement", text},
                      {"speaker_name", o.speaker_name},
                      {"challenge_id", issued.id},
                      {"challenge", issued.challenge},
                      {"expires_at", Iso8601(issued.expires_at)},
                      {"owner", owner}}
                     .dump(2)
              << std::endl;
  } else {
    std::cout << text << std::endl;
    std::cerr << "challenge id " << issued.id << " (vox clone --challenge-id), valid until "
              << Iso8601(issued.expires_at) << std::endl;
  }
  return {};
}

Status RunProtectedAdd(CloneOptions& o) {
  VOX_ASSIGN_OR_RETURN(Offline off, OpenOffline(o.config));
  std::vector<std::string> contents;
  contents.reserve(o.files.size());
  std::vector<cloning::UploadedAudio> files;
  for (const auto& path : o.files) {
    VOX_ASSIGN_OR_RETURN(contents.emplace_back(),
                         ReadAudioFile(path, o.config.max_upload_bytes, "files"));
    files.push_back({path, contents.back()});
  }
  VOX_ASSIGN_OR_RETURN(auto added,
                       off.kit.cloner->AddProtected(o.name, files, {"", std::nullopt, "", "cli"}));
  std::cout << json{{"id", added.id}, {"name", added.name}}.dump() << std::endl;
  return {};
}

Status RunProtectedList(CloneOptions& o) {
  VOX_RETURN_IF_ERROR(o.config.Finalize());
  VOX_RETURN_IF_ERROR(MigrateDatabase(o.config));
  VOX_ASSIGN_OR_RETURN(auto store, OpenConfiguredStore(o.config));
  VOX_ASSIGN_OR_RETURN(auto all, store->ListProtectedVoices());
  json out = json::array();
  for (const auto& p : all)
    out.push_back({{"id", p.id}, {"name", p.name}, {"created_at", p.created_at}});
  std::cout << out.dump(2) << std::endl;
  return {};
}

Status RunProtectedRemove(CloneOptions& o) {
  VOX_ASSIGN_OR_RETURN(Offline off, OpenOffline(o.config));
  VOX_RETURN_IF_ERROR(off.kit.cloner->RemoveProtected(o.id, {"", std::nullopt, "", "cli"}));
  std::cout << "removed " << o.id << std::endl;
  return {};
}

}  // namespace

void AddCloneCommand(CLI::App& app) {
  auto clone = std::make_shared<CloneOptions>();
  CLI::App* c = app.add_subcommand(
      "clone",
      "Create a cloned voice from recordings of a speaker (offline, on the data directory).\n"
      "The speaker must read the consent statement: `vox consent-statement NAME` prints it.");
  clone->config.AddOptions(*c);
  c->add_option("--name", clone->name, "Name of the new voice")->required();
  c->add_option("--speaker-name", clone->speaker_name, "The speaker's full name")->required();
  c->add_option("--consent", clone->consent,
                "Recording of the speaker reading the consent statement");
  c->add_option("--challenge-id", clone->challenge_id,
                "The id `vox consent-statement` printed with the statement that was read");
  c->add_option("--description", clone->description, "Free text");
  c->add_option("--label", clone->labels, "A label (repeatable)");
  c->add_option("--owner", clone->owner, "User id owning the voice (default: the local user)");
  c->add_flag(
      "--json", clone->json_output,
      "Print the voice (id, status, consent scores, fit quality) as JSON instead of its id");
  c->add_option("files", clone->files, "Recordings of the speaker (WAV, FLAC, MP3, Ogg, WebM, M4A)")
      ->required();
  c->callback([clone] { ExitOnError("clone", RunClone(*clone)); });

  auto statement = std::make_shared<CloneOptions>();
  CLI::App* st = app.add_subcommand(
      "consent-statement",
      "Print the consent statement a speaker must read, ending with a one-time challenge "
      "issued for the voice's owner (its id goes to stderr; `vox clone --challenge-id`).");
  statement->config.AddOptions(*st);
  st->add_option("name", statement->speaker_name, "The speaker's full name")->required();
  st->add_option("--owner", statement->owner, "User id that will own the voice (default: local)");
  st->add_flag("--json", statement->json_output,
               "Print statement, challenge_id, challenge and expires_at as JSON");
  st->callback([statement] { ExitOnError("consent-statement", RunConsentStatement(*statement)); });

  CLI::App* protect = app.add_subcommand("protected", "Manage voices that must never be cloned.");
  protect->require_subcommand(1);
  auto add = std::make_shared<CloneOptions>();
  CLI::App* a = protect->add_subcommand("add", "Enrol a protected voice from recordings.");
  add->config.AddOptions(*a);
  a->add_option("name", add->name, "Who this is, e.g. \"Jane Doe (public figure)\"")->required();
  a->add_option("files", add->files, "Recordings of the speaker")->required();
  a->callback([add] { ExitOnError("protected add", RunProtectedAdd(*add)); });

  auto list = std::make_shared<CloneOptions>();
  CLI::App* l = protect->add_subcommand("list", "List protected voices (JSON).");
  list->config.AddOptions(*l);
  l->callback([list] { ExitOnError("protected list", RunProtectedList(*list)); });

  auto remove = std::make_shared<CloneOptions>();
  CLI::App* r = protect->add_subcommand("remove", "Remove a protected voice by id.");
  remove->config.AddOptions(*r);
  r->add_option("id", remove->id, "Protected voice id")->required();
  r->callback([remove] { ExitOnError("protected remove", RunProtectedRemove(*remove)); });
}

}  // namespace vox::cli
