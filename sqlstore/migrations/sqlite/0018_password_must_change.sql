-- Password maximum age (password_age.go): an account whose password the security
-- administrator has reset must change it at its next login.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
