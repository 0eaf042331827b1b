// The waiting room's proof of work, solved in a Web Worker (powworker.js) so that the page stays responsive.

/** A solve in progress: `promise` gives the nonce; `cancel()` stops the worker (the promise then never settles). */
export function solveChallenge(challenge, difficulty, onProgress = () => {}) {
  const worker = new Worker(new URL("./powworker.js", import.meta.url));
  const expected = 2 ** difficulty;
  const promise = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") {
        // The chance of having found a nonce by now: it climbs towards 1 however lucky the search is.
        onProgress(1 - Math.exp(-data.tried / expected), data.tried);
      } else if (data.type === "solved") {
        worker.terminate();
        onProgress(1, data.tried);
        resolve(data.nonce);
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`Your browser could not run the check: ${event.message || "the worker failed to start"}.`));
    };
  });
  worker.postMessage({ challenge, difficulty });
  return { promise, cancel: () => worker.terminate() };
}
