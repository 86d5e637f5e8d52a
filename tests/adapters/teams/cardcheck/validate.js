// Validates Adaptive Cards with the official renderer's parser (schema target 1.5).
// A test tool only: each stdin line is one card (JSON); each stdout line is a JSON list of the
// problems the renderer reports for it (parse events and property validation), [] when none.
"use strict";
const readline = require("readline");
const AC = require("adaptivecards/dist/adaptivecards.js");

function problems(payload) {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  card.parse(payload, context);
  const found = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    found.push(`parse: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    const where = event.source && event.source.getJsonTypeName ? event.source.getJsonTypeName() : "card";
    found.push(`${where}: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return found;
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let result;
  try {
    result = problems(JSON.parse(line));
  } catch (error) {
    result = [`the renderer failed: ${error}`];
  }
  process.stdout.write(JSON.stringify(result) + "\n");
});
