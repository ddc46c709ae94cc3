CREATE TABLE "reward_claim_officers" (
	"claim_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "reward_claim_officers_claim_id_user_id_pk" PRIMARY KEY("claim_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "reward_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"operation_id" uuid,
	"schedule_id" uuid NOT NULL,
	"equipment_code" text NOT NULL,
	"handed_over_on" date NOT NULL,
	"state" text NOT NULL,
	"secret" boolean DEFAULT false NOT NULL,
	"identifying" "bytea" NOT NULL,
	"serviceability" text,
	"inspected_on" date,
	"findings" "bytea",
	"amount_cents" bigint,
	"currency" text NOT NULL,
	"amount_reason" "bytea",
	"rejection_reason" "bytea",
	"created_by" uuid NOT NULL,
	"assessed_by" uuid,
	"first_approved_by" uuid,
	"second_approved_by" uuid,
	"rejected_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_ledger" (
	"seq" integer PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"claim_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"actor_id" uuid,
	"method" text,
	"reference" text,
	"payee" "bytea",
	"note" "bytea",
	"prev_hash" "bytea" NOT NULL,
	"hash" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_ledger_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"hash" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"effective_from" date NOT NULL,
	"currency" text NOT NULL,
	"source" text NOT NULL,
	"items" jsonb NOT NULL,
	"proposed_by" uuid,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_claim_officers" ADD CONSTRAINT "reward_claim_officers_claim_id_reward_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."reward_claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claim_officers" ADD CONSTRAINT "reward_claim_officers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_schedule_id_reward_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."reward_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_assessed_by_users_id_fk" FOREIGN KEY ("assessed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_first_approved_by_users_id_fk" FOREIGN KEY ("first_approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_second_approved_by_users_id_fk" FOREIGN KEY ("second_approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claims" ADD CONSTRAINT "reward_claims_rejected_by_users_id_fk" FOREIGN KEY ("rejected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_schedules" ADD CONSTRAINT "reward_schedules_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_schedules" ADD CONSTRAINT "reward_schedules_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reward_claims_case_idx" ON "reward_claims" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "reward_claims_state_idx" ON "reward_claims" USING btree ("state","handed_over_on");--> statement-breakpoint
CREATE INDEX "reward_ledger_claim_idx" ON "reward_ledger" USING btree ("claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reward_schedules_from_idx" ON "reward_schedules" USING btree ("effective_from");--> statement-breakpoint
-- The reward ledger is append-only like the audit log: the database refuses edits and deletions
-- (an owner can drop the trigger; the MAC chain and its anchor show what he did).
CREATE FUNCTION reward_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'reward_ledger is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER reward_ledger_append_only BEFORE UPDATE OR DELETE ON reward_ledger
  FOR EACH ROW EXECUTE FUNCTION reward_ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER reward_ledger_no_truncate BEFORE TRUNCATE ON reward_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION reward_ledger_refuse_change();
--> statement-breakpoint
INSERT INTO reward_ledger_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
