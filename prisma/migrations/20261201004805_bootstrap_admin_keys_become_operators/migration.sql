-- Admin keys of the bootstrap team ran the whole platform; they become OPERATOR keys.
-- Team ADMIN keys elsewhere keep their role, now limited to their own team.
-- (A separate migration from the one adding the value: PostgreSQL cannot use a new
-- enum value in the transaction that added it.)
UPDATE "ApiKey"
SET "role" = 'OPERATOR'
WHERE "role" = 'ADMIN'
  AND "teamId" IN (SELECT "id" FROM "Team" WHERE "name" = 'default');
