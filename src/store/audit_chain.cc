#include "store/audit_chain.h"

#include <cstdio>

#include "common/crypto.h"

namespace vox::store {
namespace {

// JCS (RFC 8785) string serialization, byte for byte: what ECMAScript's
// JSON.stringify writes for valid UTF-8. Other bytes pass through unchanged,
// so a row holding invalid UTF-8 still has one well-defined hash.
void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendOptString(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    AppendJsonString(out, *s);
  } else {
    out += "null";
  }
}

}  // namespace

std::string CanonicalAuditJson(const AuditEvent& e) {
  std::string out = "{\"action\":";
  AppendJsonString(out, e.action);
  out += ",\"actor_key_id\":";
  AppendOptString(out, e.actor_key_id);
  out += ",\"actor_user_id\":";
  AppendOptString(out, e.actor_user_id);
  out += ",\"at\":" + std::to_string(e.at);
  out += ",\"detail\":";
  AppendJsonString(out, e.detail);
  out += ",\"request_id\":";
  AppendJsonString(out, e.request_id);
  out += ",\"target_id\":";
  AppendJsonString(out, e.target_id);
  out += ",\"target_type\":";
  AppendJsonString(out, e.target_type);
  out += '}';
  return out;
}

std::string AuditRowHash(std::string_view prev_hash, const AuditEvent& event) {
  std::string input(prev_hash);
  input += CanonicalAuditJson(event);
  return Sha256Hex(input);
}

}  // namespace vox::store
