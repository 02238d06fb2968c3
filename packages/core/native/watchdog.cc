// A persistent per-isolate watchdog for the kernel's hook budget (see src/engine/native-watchdog.ts).
//
// node:vm's `timeout` starts and joins a new thread on every call (~0.1-0.3 ms, and ms at the tail on a
// busy machine). This keeps one thread per isolate: arming it is a mutex and a condition-variable signal,
// disarming it a mutex; the thread terminates the isolate's execution (V8's TerminateExecution, safe
// from any thread) when an armed call overruns its deadline, and `run` turns that termination into an
// ordinary Error with code ERR_SCRIPT_EXECUTION_TIMEOUT, as node:vm does.
#include <node.h>
#include <v8.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

class Watchdog {
 public:
  explicit Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { Loop(); }) {}

  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // Arms the deadline; returns false when a call is already armed (a nested call: the outer one covers it).
  bool Arm(double ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (armed_) return false;
    armed_ = true;
    fired_ = false;
    generation_++;
    deadline_ = Clock::now() + std::chrono::microseconds(static_cast<int64_t>(ms * 1000));
    cv_.notify_one();
    return true;
  }

  // Disarms; returns whether the watchdog fired for this call.
  bool Disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = false;
    bool fired = fired_;
    fired_ = false;
    return fired;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!quit_) {
      if (!armed_) {
        cv_.wait(lock);
        continue;
      }
      const uint64_t generation = generation_;
      const Clock::time_point deadline = deadline_;
      cv_.wait_until(lock, deadline);
      if (!quit_ && armed_ && generation_ == generation && Clock::now() >= deadline) {
        fired_ = true;
        armed_ = false;
        isolate_->TerminateExecution();
      }
    }
  }

  v8::Isolate* isolate_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool quit_ = false;
  bool armed_ = false;
  bool fired_ = false;
  uint64_t generation_ = 0;
  Clock::time_point deadline_;
  std::thread thread_;
};

// run(fn, self, a, b, c, timeoutMs): calls self-bound fn(a, b, c) under the deadline.
void Run(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto* dog = static_cast<Watchdog*>(info.Data().As<v8::External>()->Value());
  if (info.Length() < 6 || !info[0]->IsFunction() || !info[5]->IsNumber()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "run(fn, self, a, b, c, timeoutMs)")));
    return;
  }
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Function> fn = info[0].As<v8::Function>();
  v8::Local<v8::Value> argv[3] = {info[2], info[3], info[4]};
  const bool owner = dog->Arm(info[5].As<v8::Number>()->Value());
  bool timed_out = false;
  {
    v8::TryCatch try_catch(isolate);
    v8::MaybeLocal<v8::Value> result = fn->Call(context, info[1], 3, argv);
    const bool fired = owner && dog->Disarm();
    if (fired) {
      // Ours: stop the termination here (also when the call returned just before it took effect).
      isolate->CancelTerminateExecution();
      timed_out = try_catch.HasTerminated() || result.IsEmpty();
    }
    if (!timed_out) {
      if (try_catch.HasCaught()) {
        // A termination that is not ours (a nested call's outer deadline, a worker being stopped) goes
        // on unwinding; an ordinary exception is rethrown to the caller.
        if (!try_catch.HasTerminated()) try_catch.ReThrow();
        return;
      }
      info.GetReturnValue().Set(result.ToLocalChecked());
      return;
    }
  }
  // Thrown outside the TryCatch above, which would otherwise swallow it.
  v8::Local<v8::String> message = v8::String::NewFromUtf8Literal(isolate, "Script execution timed out.");
  v8::Local<v8::Object> error = v8::Exception::Error(message).As<v8::Object>();
  error
      ->Set(context, v8::String::NewFromUtf8Literal(isolate, "code"),
            v8::String::NewFromUtf8Literal(isolate, "ERR_SCRIPT_EXECUTION_TIMEOUT"))
      .Check();
  isolate->ThrowException(error);
}

void Cleanup(void* arg) { delete static_cast<Watchdog*>(arg); }

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = context->GetIsolate();
  auto* dog = new Watchdog(isolate);
  node::AddEnvironmentCleanupHook(isolate, Cleanup, dog);
  v8::Local<v8::External> data = v8::External::New(isolate, dog);
  v8::Local<v8::Function> run = v8::Function::New(context, Run, data).ToLocalChecked();
  exports->Set(context, v8::String::NewFromUtf8Literal(isolate, "run"), run).Check();
}
