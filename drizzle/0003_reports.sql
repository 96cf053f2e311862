CREATE TABLE "report_drafts" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"narrative" jsonb NOT NULL,
	"reopened_from_id" integer,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"version" integer NOT NULL,
	"previous_id" integer,
	"figures" jsonb NOT NULL,
	"narrative" jsonb NOT NULL,
	"org_snapshot" jsonb NOT NULL,
	"frozen_by" integer NOT NULL,
	"frozen_at" timestamp with time zone NOT NULL,
	"sha256" text NOT NULL,
	"docx_sha256" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_drafts" ADD CONSTRAINT "report_drafts_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_drafts" ADD CONSTRAINT "report_drafts_reopened_from_id_report_versions_id_fk" FOREIGN KEY ("reopened_from_id") REFERENCES "public"."report_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_drafts" ADD CONSTRAINT "report_drafts_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_previous_id_report_versions_id_fk" FOREIGN KEY ("previous_id") REFERENCES "public"."report_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_frozen_by_users_id_fk" FOREIGN KEY ("frozen_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_drafts_plan_period" ON "report_drafts" USING btree ("plan_id","period_from","period_to");--> statement-breakpoint
CREATE UNIQUE INDEX "report_versions_plan_period_version" ON "report_versions" USING btree ("plan_id","period_from","period_to","version");--> statement-breakpoint
CREATE INDEX "report_versions_frozen_at_idx" ON "report_versions" USING btree ("frozen_at");