#include "wyoming/event.h"

namespace vox::wyoming {
namespace {

// A length field: absent or null is 0; otherwise a non-negative integer.
Result<size_t> ReadLength(const nlohmann::json& header, const char* field, size_t max) {
  auto it = header.find(field);
  if (it == header.end() || it->is_null()) return size_t{0};
  if (!it->is_number_unsigned()) {  // JSON parsing gives non-negative integers this type
    return InvalidArgument(std::string(field) + " must be a non-negative integer", field);
  }
  uint64_t value = it->get<uint64_t>();
  if (value > max) {
    return MakeError(ErrorCode::kResourceExhausted,
                     std::string(field) + " " + std::to_string(value) + " is over the limit of " +
                         std::to_string(max) + " bytes",
                     field);
  }
  return static_cast<size_t>(value);
}

}  // namespace

Result<EventHeader> ParseHeader(std::string_view line, const HeaderLimits& limits) {
  nlohmann::json header = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) return InvalidArgument("event header is not valid JSON");
  if (!header.is_object()) return InvalidArgument("event header must be a JSON object");
  EventHeader out;
  auto type = header.find("type");
  if (type == header.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return InvalidArgument("event header needs a non-empty string \"type\"", "type");
  }
  out.type = type->get<std::string>();
  if (auto data = header.find("data"); data != header.end() && !data->is_null()) {
    if (!data->is_object()) return InvalidArgument("\"data\" must be an object", "data");
    out.data = std::move(*data);
  }
  VOX_ASSIGN_OR_RETURN(out.data_length, ReadLength(header, "data_length", limits.max_data_bytes));
  VOX_ASSIGN_OR_RETURN(out.payload_length,
                       ReadLength(header, "payload_length", limits.max_payload_bytes));
  return out;
}

Status MergeData(EventHeader& header, std::string_view data_bytes) {
  nlohmann::json extra = nlohmann::json::parse(data_bytes, nullptr, /*allow_exceptions=*/false);
  if (extra.is_discarded() || !extra.is_object()) {
    return InvalidArgument("event data must be a JSON object", "data");
  }
  header.data.update(extra);
  return {};
}

std::string Serialize(const Event& event) {
  nlohmann::json header = {{"type", event.type}, {"version", kProtocolVersion}};
  std::string data;
  if (!event.data.empty()) {
    // Invalid UTF-8 (it cannot come from our own events, but never throw) is replaced.
    data = event.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    header["data_length"] = data.size();
  }
  if (!event.payload.empty()) header["payload_length"] = event.payload.size();
  std::string out = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.reserve(out.size() + 1 + data.size() + event.payload.size());
  out += '\n';
  out += data;
  out += event.payload;
  return out;
}

}  // namespace vox::wyoming
