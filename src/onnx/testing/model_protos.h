// Building ModelProtos in tests (model_test.cc, model_mutation_test.cc): an empty opset-15
// model and typed graph inputs/outputs. Needs libonnx's headers (ONNX_NAMESPACE=onnx).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vox::onnx::testing {

inline void AddTensorInfo(::onnx::ValueInfoProto* v, const std::string& name, int type,
                          std::vector<int64_t> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(type);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

// IR 8, the default domain at opset 15, an empty graph named "g".
inline ::onnx::ModelProto EmptyModel() {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(15);
  m.mutable_graph()->set_name("g");
  return m;
}

inline std::string Bytes(const ::onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

}  // namespace vox::onnx::testing
