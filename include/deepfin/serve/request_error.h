#pragma once
// A request the server cannot answer as asked, with the HTTP status it gets:
// 400 malformed JSON, 401 no or wrong token, 404 unknown model or path, 413 body
// too large, 422 a missing or mistyped field, 503 queue full or draining. The
// message names what and where (the field path, the byte offset, the limit).
#include <string>

#include "deepfin/base/error.h"

namespace deepfin::serve {

class RequestError : public Error {
 public:
  RequestError(int status, const std::string& what) : Error(what), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace deepfin::serve
