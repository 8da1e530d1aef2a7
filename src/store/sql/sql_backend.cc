#include "store/sql/sql_backend.h"

#include <charconv>
#include <cmath>

namespace vox::store::sql {

DbError::operator Error() const {
  switch (code) {
    case DbErrc::kUniqueViolation:
      return Error{ErrorCode::kAlreadyExists, message, {}};
    case DbErrc::kForeignKeyViolation:
    case DbErrc::kConstraintViolation:
      return Error{ErrorCode::kInvalidArgument, message, {}};
    case DbErrc::kUnavailable:
      return Error{ErrorCode::kUnavailable, message, {}};
    case DbErrc::kInternal:
      break;
  }
  return Error{ErrorCode::kInternal, message, {}};
}

Params& Params::Text(std::string_view v) {
  values_.emplace_back(std::string(v));
  return *this;
}
Params& Params::OptText(const std::optional<std::string>& v) {
  return v ? Text(std::string_view(*v)) : Null();
}
Params& Params::Int(int64_t v) {
  values_.emplace_back(v);
  return *this;
}
Params& Params::OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }
Params& Params::Real(double v) {
  values_.emplace_back(v);
  return *this;
}
Params& Params::OptReal(const std::optional<double>& v) { return v ? Real(*v) : Null(); }
Params& Params::OptBool(const std::optional<bool>& v) { return v ? Bool(*v) : Null(); }
Params& Params::Null() {
  values_.emplace_back(std::monostate{});
  return *this;
}

// Cells hold what the driver reported; the accessors convert between the
// numeric kinds (an integer column summed may come back real, and so on).
std::string Rows::Text(int r, int c) const {
  const Value& v = At(r, c);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  return {};
}
std::optional<std::string> Rows::OptText(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Text(r, c);
}
int64_t Rows::Int(int r, int c) const {
  const Value& v = At(r, c);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(std::llround(*d));
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}
std::optional<int64_t> Rows::OptInt(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Int(r, c);
}
double Rows::Real(int r, int c) const {
  const Value& v = At(r, c);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}
std::optional<double> Rows::OptReal(int r, int c) const {
  if (IsNull(r, c)) return std::nullopt;
  return Real(r, c);
}

DbResult<Txn> Txn::Begin(Session& s) {
  VOX_RETURN_IF_ERROR(s.Begin());
  return Txn(&s);
}

Txn::~Txn() {
  if (session_ != nullptr) session_->Rollback();
}

DbStatus Txn::Commit() {
  Session* s = session_;
  session_ = nullptr;
  return s->Commit();
}

}  // namespace vox::store::sql
