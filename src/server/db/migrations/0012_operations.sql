CREATE TABLE "operation_cases" (
	"operation_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"instruction_message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confirmation" "bytea",
	CONSTRAINT "operation_cases_operation_id_case_id_pk" PRIMARY KEY("operation_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "operation_escort_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"entry" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operation_keys" (
	"operation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"sealed_key" "bytea" NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "operation_keys_operation_id_user_id_pk" PRIMARY KEY("operation_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "operation_reminders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"due" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"group_size" integer NOT NULL,
	"details" "bytea",
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"summary" jsonb
);
--> statement-breakpoint
ALTER TABLE "operation_cases" ADD CONSTRAINT "operation_cases_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_cases" ADD CONSTRAINT "operation_cases_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_escort_events" ADD CONSTRAINT "operation_escort_events_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_keys" ADD CONSTRAINT "operation_keys_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_keys" ADD CONSTRAINT "operation_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_keys" ADD CONSTRAINT "operation_keys_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_reminders" ADD CONSTRAINT "operation_reminders_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operation_cases_case_idx" ON "operation_cases" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "operation_escort_op_idx" ON "operation_escort_events" USING btree ("operation_id","seq");--> statement-breakpoint
CREATE INDEX "operation_keys_user_idx" ON "operation_keys" USING btree ("user_id");