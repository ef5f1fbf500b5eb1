// Placeholder page: shows whether the API of this deployment answers.
const status = document.getElementById("status");

async function check() {
  try {
    const config = await (await fetch("config.json")).json();
    const health = await (await fetch(`${config.apiUrl}/health`)).json();
    status.textContent = health.status === "ok" ? "服务正常 · API is up" : "服务异常 · API reports a problem";
    status.className = health.status === "ok" ? "ok" : "down";
  } catch {
    status.textContent = "无法连接服务 · API unreachable";
    status.className = "down";
  }
}

check();
