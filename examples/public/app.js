// The page routes in the browser: /, /notes/1, ... all load this same page.
fetch("/api/notes")
  .then((response) => response.json())
  .then((notes) => {
    const list = document.getElementById("notes");
    for (const note of notes) {
      const item = document.createElement("li");
      item.textContent = note.text;
      list.append(item);
    }
  });
