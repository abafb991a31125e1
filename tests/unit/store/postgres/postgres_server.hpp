#pragma once
// A throwaway PostgreSQL server for tests: initdb into a temporary directory, started on a free
// 127.0.0.1 port with fsync off (speed only), stopped and removed on destruction. PostgreSQL
// refuses to run as root, so under root both initdb and postgres run as user "nobody" (the
// directory is handed over to it). Throws std::runtime_error, with a clear message, when the
// server binaries are missing or the server does not come up: tests that need it then fail,
// never skip.

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../temp_dir.hpp"

namespace parley::store::test {

class PostgresServer {
 public:
  // $PARLEY_PG_BINDIR, else Debian's PostgreSQL 15 location.
  static std::string bin_dir() {
    const char* env = std::getenv("PARLEY_PG_BINDIR");
    return env != nullptr && *env != '\0' ? env : "/usr/lib/postgresql/15/bin";
  }

  PostgresServer() {
    std::string bin = bin_dir();
    for (const char* tool : {"initdb", "postgres"}) {
      if (access((bin + "/" + tool).c_str(), X_OK) != 0) {
        throw std::runtime_error("PostgreSQL server binary " + bin + "/" + tool +
                                 " not found: install the `postgresql` package (Debian 12: "
                                 "PostgreSQL 15) or set PARLEY_PG_BINDIR");
      }
    }
    root_ = std::filesystem::path(dir_.file("pg")).parent_path().string();
    if (geteuid() == 0) {
      passwd* nobody = getpwnam("nobody");
      if (nobody == nullptr) throw std::runtime_error("running as root but no user 'nobody'");
      uid_ = nobody->pw_uid;
      gid_ = nobody->pw_gid;
      if (chown(root_.c_str(), uid_, gid_) != 0) throw std::runtime_error("chown " + root_);
    }
    int rc = wait_exit(spawn({bin + "/initdb", "-D", data_dir(), "-U", "parley", "--auth=trust",
                              "-E", "UTF8", "--locale=C", "--no-sync"},
                             root_ + "/initdb.log"),
                       std::chrono::seconds(120));
    if (rc != 0) {
      throw std::runtime_error("initdb failed (status " + std::to_string(rc) + "):\n" +
                               log_tail(root_ + "/initdb.log"));
    }
    // A free port can be taken between probing and binding it: try a few.
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) launch(free_port());
    if (pid_ <= 0) {
      throw std::runtime_error("postgres did not start:\n" + log_tail(root_ + "/postgres.log"));
    }
  }

  ~PostgresServer() { stop(); }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const noexcept { return port_; }

  // A libpq URI for `database` as the superuser "parley".
  std::string url(const std::string& database) const {
    return "postgres://parley@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // Creates a new, empty database and returns its URI.
  std::string create_database() {
    static std::atomic<int> counter{0};
    // Appended, not "t" + std::string: dodges GCC 12's false -Wrestrict on operator+.
    std::string name = "t";
    name += std::to_string(getpid());
    name += '_';
    name += std::to_string(++counter);
    // A generated identifier, not a value: CREATE DATABASE takes no parameters.
    exec("postgres", "CREATE DATABASE " + name);
    return url(name);
  }

  // Runs `sql` in `database` on a short-lived superuser connection; returns the first column
  // of the first row ("" when none).
  std::string exec(const std::string& database, const std::string& sql) const {
    PGconn* conn = PQconnectdb(url(database).c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("test postgres: cannot connect: " + message);
    }
    PGresult* result = PQexec(conn, sql.c_str());
    ExecStatusType status = PQresultStatus(result);
    std::string out;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) out = PQgetvalue(result, 0, 0);
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(conn);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      throw std::runtime_error("test postgres: " + sql + ": " + error);
    }
    return out;
  }

  // Starts the stopped server again on the same port and data.
  void start() {
    if (pid_ > 0) return;
    launch(port_);
    if (pid_ <= 0) {
      throw std::runtime_error("postgres did not restart:\n" + log_tail(root_ + "/postgres.log"));
    }
  }

  // Fast shutdown (SIGINT), waiting for the server to exit; SIGKILL after a deadline.
  void stop() noexcept {
    if (pid_ <= 0) return;
    kill(pid_, SIGINT);
    if (wait_exit(pid_, std::chrono::seconds(30)) == kTimedOut) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  static constexpr int kTimedOut = -1000;

  std::string data_dir() const { return root_ + "/data"; }

  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(addr);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      if (fd >= 0) close(fd);
      throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(addr.sin_port);
  }

  // Starts postgres on `port` and waits until it accepts connections; on failure leaves pid_ -1.
  void launch(int port) {
    std::string port_text = std::to_string(port);
    pid_t pid = spawn(
        {bin_dir() + "/postgres", "-D", data_dir(), "-k", root_, "-c", "listen_addresses=127.0.0.1",
         "-p", port_text, "-c", "fsync=off", "-c", "max_connections=100"},
        root_ + "/postgres.log");
    port_ = port;
    std::string conninfo = "host=127.0.0.1 port=" + port_text + " user=parley dbname=postgres";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(conninfo.c_str()) == PQPING_OK) {
        pid_ = pid;
        return;
      }
      if (waitpid(pid, nullptr, WNOHANG) == pid) return;  // exited: port taken or worse
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }

  // fork + exec `args` with output to `log`, as the unprivileged user when we are root.
  pid_t spawn(const std::vector<std::string>& args, const std::string& log) const {
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      if (uid_ != 0) {
        if (setgroups(0, nullptr) != 0 || setgid(gid_) != 0 || setuid(uid_) != 0) _exit(126);
      }
      // After the credential change, which would clear it: stop with the test process.
      prctl(PR_SET_PDEATHSIG, SIGINT);
      if (getppid() != parent) _exit(125);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
      if (chdir(root_.c_str()) != 0) _exit(126);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }

  // The exit status of `pid` (128 + signal when killed), or kTimedOut.
  static int wait_exit(pid_t pid, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return kTimedOut;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  static std::string log_tail(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    return all.size() > 3000 ? all.substr(all.size() - 3000) : all;
  }

  TempDir dir_;  // first: removed after the server stopped
  std::string root_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace parley::store::test
