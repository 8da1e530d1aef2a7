#include "cli/cmd_models_rollout.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "asr/transcriber.h"
#include "cli/engine_setup.h"
#include "cli/errors.h"
#include "cli/open_store.h"
#include "cli/platform_config.h"
#include "rollout/quality_gate.h"
#include "rollout/seed_models.h"
#include "store/store.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::cli {
namespace {

using nlohmann::json;

struct RolloutOptions {
  std::string models;
  std::string data_dir = "data";
  std::string database_url;
  std::string name;
  std::string version;
  std::string tag;  // tag
  int weight = 0;
  bool json = false;  // versions
  rollout::GateBounds bounds;
};

struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<engines::EngineRegistry> engines;
};

// The database and the engines, with the `models` table brought up to date
// with the voices installed here (a version added since the server started
// can be tagged at once).
Result<Opened> Open(const RolloutOptions& o) {
  PlatformConfig config;
  config.data_dir = o.data_dir;
  config.database_url = o.database_url;
  VOX_RETURN_IF_ERROR(config.Finalize());
  Opened opened;
  VOX_ASSIGN_OR_RETURN(opened.store, OpenConfiguredStore(config));
  VOX_RETURN_IF_ERROR(opened.store->Migrate());
  VOX_ASSIGN_OR_RETURN(
      opened.engines,
      OpenEngines({.builtin = {}, .models_flag = o.models, .data_dir = o.data_dir}));
  VOX_RETURN_IF_ERROR(rollout::SeedModels(*opened.store, *opened.engines));
  return opened;
}

json RowJson(const store::Model& m) {
  return {{"engine", m.engine},        {"name", m.name},
          {"version", m.version},      {"rollout", store::RolloutName(m.rollout)},
          {"weight", m.canary_weight}, {"status", store::ModelStatusName(m.status)}};
}

// The rows of voice `name`; NotFound when it has none.
Result<std::vector<store::Model>> VersionsOf(store::Store& store, const std::string& name) {
  VOX_ASSIGN_OR_RETURN(auto all, store.ListModels(std::nullopt));
  std::vector<store::Model> out;
  for (store::Model& m : all) {
    if (m.name == name) out.push_back(std::move(m));
  }
  if (out.empty()) return NotFound("no voice '" + name + "' (see `vox models versions`)", "name");
  return out;
}

Status Audit(store::Store& store, const std::string& action, const std::string& target,
             json detail) {
  store::AuditEvent e;
  e.action = action;
  e.target_type = "model";
  e.target_id = target;
  detail["via"] = "cli";
  e.detail = detail.dump();
  VOX_RETURN_IF_ERROR(store.AppendAudit(std::move(e)));
  return {};
}

Status RunVersions(const RolloutOptions& o) {
  VOX_ASSIGN_OR_RETURN(Opened opened, Open(o));
  VOX_ASSIGN_OR_RETURN(auto rows, o.name.empty() ? opened.store->ListModels(std::nullopt)
                                                 : VersionsOf(*opened.store, o.name));
  if (o.json) {
    json out = json::array();
    for (const store::Model& m : rows) out.push_back(RowJson(m));
    std::cout << out.dump(2) << "\n";
    return {};
  }
  std::printf("%-36s %-28s %-8s %6s\n", "NAME", "VERSION", "ROLLOUT", "WEIGHT");
  for (const store::Model& m : rows) {
    std::printf("%-36s %-28s %-8s %6d\n", m.name.c_str(), m.version.c_str(),
                std::string(store::RolloutName(m.rollout)).c_str(), m.canary_weight);
  }
  return {};
}

Status RunTag(const RolloutOptions& o) {
  // "none" stands for the empty tag (installed, not routed).
  auto parsed =
      o.tag == "none" ? Result<store::Rollout>(store::Rollout::kNone) : store::ParseRollout(o.tag);
  if (!parsed || (o.tag != "none" && *parsed == store::Rollout::kNone)) {
    return InvalidArgument("'" + o.tag + "' is not stable, canary, retired or none", "TAG");
  }
  const store::Rollout rollout = *parsed;
  if (rollout != store::Rollout::kCanary && o.weight != 0) {
    return InvalidArgument("only a canary has a weight", "--weight");
  }
  VOX_ASSIGN_OR_RETURN(Opened opened, Open(o));
  VOX_ASSIGN_OR_RETURN(store::Model row,
                       opened.store->SetModelRollout(o.name, o.version, rollout, o.weight));
  const json detail = {{"rollout", o.tag}, {"weight", row.canary_weight}};
  VOX_RETURN_IF_ERROR(Audit(*opened.store, "model.tag", o.name + "@" + o.version, detail));
  std::cout << RowJson(row).dump() << "\n";
  return {};
}

Status RunPromote(const RolloutOptions& o) {
  VOX_RETURN_IF_ERROR(o.bounds.Validate());
  VOX_ASSIGN_OR_RETURN(Opened opened, Open(o));
  VOX_ASSIGN_OR_RETURN(auto rows, VersionsOf(*opened.store, o.name));
  const store::Model* stable = nullptr;
  const store::Model* candidate = nullptr;
  for (const store::Model& m : rows) {
    if (m.rollout == store::Rollout::kStable) stable = &m;
    if (m.version == o.version) candidate = &m;
  }
  if (candidate == nullptr) {
    return NotFound("voice '" + o.name + "' has no version '" + o.version + "'", "VERSION");
  }
  if (stable == nullptr) return NotFound("voice '" + o.name + "' has no stable version", "name");
  if (stable == candidate) {
    return InvalidArgument("version '" + o.version + "' is already stable", "VERSION");
  }
  VOX_ASSIGN_OR_RETURN(auto asr, asr::Transcriber::Create({}));
  voice::StatsSpeakerEncoder encoder;
  VOX_ASSIGN_OR_RETURN(rollout::GateReport report,
                       rollout::EvaluateCanary(*opened.engines, o.name + "@" + stable->version,
                                               o.name + "@" + o.version, o.bounds, *asr, encoder));
  json printed = report.ToJson();
  printed["name"] = o.name;
  printed["version"] = o.version;
  printed["stable_version"] = stable->version;
  std::cout << printed.dump(2) << "\n";
  const std::string target = o.name + "@" + o.version;
  if (!report.passed) {
    VOX_RETURN_IF_ERROR(Audit(*opened.store, "model.promote_refused", target, printed));
    return MakeError(ErrorCode::kFailedPrecondition,
                     "version '" + o.version + "' did not pass the quality gate (report above)");
  }
  VOX_RETURN_IF_ERROR(opened.store->SetModelRollout(o.name, o.version, store::Rollout::kStable, 0));
  return Audit(*opened.store, "model.promote", target, printed);
}

void AddStoreOptions(CLI::App* cmd, RolloutOptions& o) {
  AddModelDirOptions(cmd, o.models, o.data_dir);
  cmd->add_option("--database-url", o.database_url, "Database (default: sqlite://DATA/vox.db)")
      ->envname("VOX_DATABASE_URL");
}

}  // namespace

void AddModelDirOptions(CLI::App* cmd, std::string& models, std::string& data_dir) {
  cmd->add_option("--models,--model-dir", models,
                  "Directory of Piper voices (default: DATA/models)")
      ->envname("VOX_MODEL_DIR");
  cmd->add_option("--data", data_dir, "Data directory (its models/ holds the voices)")
      ->envname("VOX_DATA_DIR")
      ->capture_default_str();
}

void AddModelRolloutCommands(CLI::App& models) {
  auto o = std::make_shared<RolloutOptions>();

  CLI::App* versions = models.add_subcommand(
      "versions", "List every voice's versions with their rollout tag and canary weight.");
  AddStoreOptions(versions, *o);
  versions->add_option("name", o->name, "Only this voice");
  versions->add_flag("--json", o->json, "Print JSON");
  versions->callback([o] { ExitOnError("models versions", RunVersions(*o)); });

  CLI::App* tag = models.add_subcommand(
      "tag", "Tag a version stable, canary (with --weight: % of jobs), retired or none.");
  AddStoreOptions(tag, *o);
  tag->add_option("name", o->name, "Voice id (e.g. piper-en_US-lessac-medium)")->required();
  tag->add_option("version", o->version, "Version")->required();
  tag->add_option("tag", o->tag, "stable | canary | retired | none")->required();
  tag->add_option("--weight", o->weight, "A canary's share of jobs, 0..100");
  tag->callback([o] { ExitOnError("models tag", RunTag(*o)); });

  CLI::App* promote = models.add_subcommand(
      "promote",
      "Judge VERSION against the stable version (ASR word error rate, speaker similarity, "
      "real-time factor) and make it stable if it passes; prints a JSON report.");
  AddStoreOptions(promote, *o);
  promote->add_option("name", o->name, "Voice id")->required();
  promote->add_option("version", o->version, "The candidate version")->required();
  promote
      ->add_option("--max-wer-increase", o->bounds.max_wer_increase,
                   "Word error rate above the stable version's that is still accepted")
      ->capture_default_str();
  promote
      ->add_option("--min-similarity", o->bounds.min_similarity,
                   "Least speaker similarity to the stable version's audio")
      ->capture_default_str();
  promote
      ->add_option("--max-rtf-ratio", o->bounds.max_rtf_ratio,
                   "Largest real-time factor, as a multiple of the stable version's")
      ->capture_default_str();
  promote->callback([o] { ExitOnError("models promote", RunPromote(*o)); });
}

}  // namespace vox::cli
