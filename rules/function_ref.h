// A callable passed down for the length of one call, as the rule helpers take their visitors.
// std::function copied each rule's lambda onto the heap (its captures outgrow the room it keeps
// inline), once per rule and statement, before the helper could even see that the statement was
// not one it walks. This refers to the caller's lambda instead: it must not outlive the call.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace pgshift::rules {

template <typename Signature>
class FunctionRef;

template <typename Result, typename... Args>
class FunctionRef<Result(Args...)> {
 public:
  template <typename Callable,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<Callable>, FunctionRef>>>
  FunctionRef(Callable&& callable)  // NOLINT(google-explicit-constructor): as std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* object, Args... args) -> Result {
          return (*static_cast<std::remove_reference_t<Callable>*>(object))(
              std::forward<Args>(args)...);
        }) {}

  Result operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  Result (*call_)(void*, Args...);
};

}  // namespace pgshift::rules
