CREATE TABLE "legal_holds" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"placed_by" uuid NOT NULL,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule" text NOT NULL,
	"days" integer NOT NULL,
	"enabled" boolean NOT NULL,
	"proposed_by" uuid NOT NULL,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "retention_proposals_days" CHECK ("retention_proposals"."days" BETWEEN 1 AND 36500)
);
--> statement-breakpoint
CREATE TABLE "retention_rules" (
	"rule" text PRIMARY KEY NOT NULL,
	"days" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"proposed_by" uuid,
	"approved_by" uuid,
	CONSTRAINT "retention_rules_days" CHECK ("retention_rules"."days" BETWEEN 1 AND 36500)
);
--> statement-breakpoint
CREATE TABLE "retention_tombstones" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"channel" text NOT NULL,
	"team_id" text NOT NULL,
	"final_state" text NOT NULL,
	"opened_on" date NOT NULL,
	"states" jsonb NOT NULL,
	"purged_on" date NOT NULL
);
--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_proposals" ADD CONSTRAINT "retention_proposals_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_proposals" ADD CONSTRAINT "retention_proposals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "retention_proposals_pending_idx" ON "retention_proposals" USING btree ("rule","decided_at");--> statement-breakpoint
CREATE INDEX "retention_tombstones_opened_idx" ON "retention_tombstones" USING btree ("opened_on");