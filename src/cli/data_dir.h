// The data directory: private to the user running Vox, and free of what a
// killed process left behind.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"

namespace vox::cli {

// Creates `dir` (and parents) mode 0700, tightens an existing one that others
// can read, and sets the process umask to 077 so every file Vox creates is
// 0600: the directory holds job texts, webhook URLs, voice embeddings, consent
// transcripts and audio. For the commands that own a data directory (serve,
// api, worker, migrate, keys, clone), never for `vox synth`'s output files.
Status PrepareDataDir(const std::string& dir);

// Removes job temp files (`vox-*`, `.vox-*`) from `tmp_dir` that were last written more
// than `older_than` ago: their job's process died (a live job writes its file
// at every sentence). Zero removes them all, for a process that holds the
// data-directory lock. Returns how many went; never fails the caller.
int SweepJobTempFiles(const std::string& tmp_dir, std::chrono::seconds older_than);

}  // namespace vox::cli
