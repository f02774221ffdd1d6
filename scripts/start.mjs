// `npm start`: build the dashboard if needed, then start the signaling server that serves it.
// Completed by the app issue; until then it says what is missing.
console.error('Conclave: the app is not built yet (see issue 4).');
process.exit(1);
