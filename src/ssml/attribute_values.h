// The values SSML attributes may take, as numbers Vox uses. Each returns
// nullopt for a value outside the documented set or range; the parser turns
// that into an error naming the attribute (README.md has the tables).
#pragma once

#include <optional>
#include <string_view>

namespace vox::ssml {

// <break time="500ms"|"2s"|"1.5s">: seconds, 0 .. 3600 (the parser bounds it further).
std::optional<double> BreakTime(std::string_view value);
// <break strength=...>: none 0, x-weak 0.1, weak 0.25, medium 0.5, strong 0.75, x-strong 1 s.
std::optional<double> BreakStrength(std::string_view value);
// <prosody rate=...>: a speed multiplier in 0.25 .. 4. x-slow 0.5, slow 0.75,
// medium/default 1, fast 1.25, x-fast 1.75; "150%" (of the default); "+20%"/"-20%"
// (relative); a plain number ("1.5").
std::optional<double> Rate(std::string_view value);
// <prosody pitch=...>: an F0 multiplier in 0.5 .. 2. x-low 0.7, low 0.85,
// medium/default 1, high 1.15, x-high 1.3; "+10%"/"-10%"; semitones "+2st"/"-3st".
std::optional<double> Pitch(std::string_view value);
// <prosody volume=...>: gain in dB, -40 .. +12; silent is -infinity. x-soft -12,
// soft -6, medium/default 0, loud +6, x-loud +12; "+3dB"/"-6dB".
std::optional<double> VolumeDb(std::string_view value);

}  // namespace vox::ssml
