-- Issue 10, item 4 (channels). Data only, no table changes.
-- Receipt lookups keep 2 bytes instead of 4: the stored value is a prefix of the old one.
UPDATE "cases" SET "receipt_lookup" = left("receipt_lookup", 4) WHERE length("receipt_lookup") > 4;
--> statement-breakpoint
-- Contact addresses were sealed under the server key; they are now sealed to the case. The old
-- ones are dropped (the next message from the applicant stores his address again, sealed to his case).
UPDATE "channel_contacts" SET "address" = NULL;
--> statement-breakpoint
-- Questionnaires in progress were sealed under the server key; they now need the applicant's own identity. Started again.
DELETE FROM "channel_dialogs";
