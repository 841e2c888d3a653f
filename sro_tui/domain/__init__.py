"""Domain rules and validation: pydantic schemas, enums and transitions. No SQL, no Textual."""
