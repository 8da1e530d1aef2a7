// vox watermark detect FILE: the detect route's answer for a local file
// (watermark/detect_audio.h). The job is named when the database (--data or
// VOX_DATABASE_URL) is there to look its id up; the file is never changed.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/platform_config.h"
#include "store/store.h"
#include "watermark/detect_audio.h"

namespace vox::cli {
namespace {

struct DetectOptions {
  PlatformConfig config;
  std::string file;
};

// The store to name jobs from, when there is one: a missing SQLite file is not created.
std::unique_ptr<store::Store> LookupStore(PlatformConfig& config) {
  if (!config.Finalize()) return nullptr;
  const std::string& url = config.database_url;
  if (url.starts_with("sqlite://") && !std::filesystem::exists(url.substr(9))) return nullptr;
  auto store = store::OpenStore(url);
  if (!store) {
    std::cerr << "vox watermark detect: jobs not looked up: " << store.error().message << "\n";
    return nullptr;
  }
  return std::move(*store);
}

void Detect(DetectOptions& o) {
  const char* command = "watermark detect";
  std::ifstream in(o.file, std::ios::binary);
  if (!in) Fail(command, NotFound("cannot read " + o.file, "FILE").error());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto config = watermark::WatermarkConfig::FromEnv();
  if (!config) Fail(command, config.error());
  auto watermarker = watermark::Watermarker::Create(*config);
  if (!watermarker) Fail(command, watermarker.error());
  auto store = LookupStore(o.config);
  auto report = watermark::DetectAudio(**watermarker, store.get(), bytes.str());
  if (!report) {
    Error e = report.error();
    if (e.field == "file") e.field = "FILE";
    Fail(command, e);
  }
  std::cout << report->ToJson().dump() << std::endl;
}

}  // namespace

void AddWatermarkCommand(CLI::App& app) {
  CLI::App* watermark =
      app.add_subcommand("watermark", "Read the watermark Vox puts in its audio.");
  watermark->require_subcommand(1);
  auto options = std::make_shared<DetectOptions>();
  CLI::App* detect = watermark->add_subcommand(
      "detect",
      "Print {\"watermarked\",\"confidence\",\"job_id\",...} as JSON for an audio file (any "
      "format the API decodes). The key is VOX_WATERMARK_KEY_FILE's, as the server's.");
  detect->add_option("FILE", options->file, "The audio file")->required();
  options->config.AddOptions(*detect);
  detect->callback([options] { Detect(*options); });
}

}  // namespace vox::cli
