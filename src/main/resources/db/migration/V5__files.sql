-- Every file this server issued an upload URL for; the key is the object's path in the store.
CREATE TABLE files (
  key          text        PRIMARY KEY CHECK (char_length(key) <= 512),
  owner_id     text        NOT NULL,
  file_name    text        NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 100),
  content_type text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX files_by_owner ON files (owner_id, created_at);

-- Session files point at an issued file; readers of a shared file are found through it.
ALTER TABLE session_files ADD COLUMN file_key text REFERENCES files (key);
CREATE INDEX session_files_by_file ON session_files (file_key);
