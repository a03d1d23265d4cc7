#include "deepfin/optim/registry.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/optim/adam.h"
#include "deepfin/optim/rmsprop.h"
#include "deepfin/optim/sgd.h"

namespace deepfin::optim {

using config::value;
using nlohmann::json;

namespace {
constexpr const char* kValidNames = "sgd, adam, adamw, rmsprop";

// Fills the fields every optimizer shares from a Keras config.
template <class Options>
Options common_options(const json& c, Options o, const char* owner) {
  if (c.contains("learning_rate") && c["learning_rate"].is_object())
    o.schedule = schedule_from_config(c["learning_rate"]);
  else
    o.learning_rate = value<double>(c, "learning_rate", o.learning_rate, owner);
  o.clipnorm = value<double>(c, "clipnorm", 0.0, owner);
  o.clipvalue = value<double>(c, "clipvalue", 0.0, owner);
  o.global_clipnorm = value<double>(c, "global_clipnorm", 0.0, owner);
  return o;
}

template <class Options>
Options adam_options(const json& c, Options o, const char* owner) {
  o = common_options(c, o, owner);
  o.beta_1 = value<double>(c, "beta_1", o.beta_1, owner);
  o.beta_2 = value<double>(c, "beta_2", o.beta_2, owner);
  o.epsilon = value<double>(c, "epsilon", o.epsilon, owner);
  o.amsgrad = value<bool>(c, "amsgrad", o.amsgrad, owner);
  return o;
}

std::shared_ptr<Optimizer> build(const std::string& name, const json& c) {
  const std::string key = config::normalize_name(name);
  const char* owner = "optim::from_config";
  if (key == "sgd") {
    SGDOptions o = common_options(c, SGDOptions{}, owner);
    o.momentum = value<double>(c, "momentum", o.momentum, owner);
    o.nesterov = value<bool>(c, "nesterov", o.nesterov, owner);
    return SGD(o);
  }
  if (key == "adam") return Adam(adam_options(c, AdamOptions{}, owner));
  if (key == "adamw") {
    AdamWOptions o = adam_options(c, AdamWOptions{}, owner);
    o.weight_decay = value<double>(c, "weight_decay", o.weight_decay, owner);
    return AdamW(o);
  }
  if (key == "rmsprop") {
    RMSpropOptions o = common_options(c, RMSpropOptions{}, owner);
    o.rho = value<double>(c, "rho", o.rho, owner);
    o.momentum = value<double>(c, "momentum", o.momentum, owner);
    o.epsilon = value<double>(c, "epsilon", o.epsilon, owner);
    o.centered = value<bool>(c, "centered", o.centered, owner);
    return RMSprop(o);
  }
  throw ConfigError(fmt::format("unknown optimizer '{}'; valid names: {}", name, kValidNames));
}
}  // namespace

std::shared_ptr<Optimizer> get(const std::string& name) {
  return build(name, json::object());
}

std::shared_ptr<Optimizer> from_config(const json& j) {
  if (j.is_string()) return get(j.get<std::string>());
  if (!j.is_object() || !j.contains("class_name") || !j["class_name"].is_string())
    throw ConfigError(fmt::format(
        "optim::from_config: expected {{\"class_name\": ..., \"config\": {{...}}}} or a name, got {}", j.dump()));
  return build(j["class_name"].get<std::string>(), j.value("config", json::object()));
}

json serialize(const Optimizer& optimizer) {
  return {{"class_name", optimizer.class_name()}, {"config", optimizer.get_config()}};
}

}  // namespace deepfin::optim
