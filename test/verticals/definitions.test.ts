import t from 'tap';
import { RECORD_FIELDS } from '../../api/record.js';
import { readFileSync } from 'node:fs';
import { ALL_VERTICALS, VERTICAL_PREFIXES, VERTICALS, compileVertical, generateRecordJson, generateRecords, verticalBuilder, verticalChecksum, VerticalError, type FieldDefinition, type VerticalDefinition } from '../../verticals/index.js';

// Our fixture data, written from the sample record in each lab's Prompts/user_prompt.txt:
// every field name with the JSON type the hosted API sends it as, in the sample's order.
const LAB_FIELDS: Record<string, string> = {
  agr: `
    age:integer animal_id:string breed:string farm_id:string health_status:string humidity:number
    last_updated_epoch:integer medication_history:string precipitation:number predicted_health_risk:number
    recommended_action:string record_id:string species:string temperature:number vaccination_history:string
    weather_data:string weight:number`,
  cds: `
    allergies:string clinical_trial_id:string cost_of_care:number current_medications:string diagnosis:string
    family_medical_history:string genetic_data:string lab_results:string last_updated_epoch:integer
    length_of_stay:integer medical_conditions:string medical_error_rate:number medical_history:string
    medical_publication_id:string medication_adherence:string medication_cost:number
    medication_recommendation:string medication_side_effects:string patient_id:string patient_outcome_score:number
    patient_satisfaction:string publication_date:string publication_title:string readmission_risk:number
    record_id:string total_cost_savings:number treatment_outcome:string treatment_plan:string
    treatment_recommendation:string trial_name:string trial_status:string vital_signs:string`,
  con: `
    actual_end_date:string actual_start_date:string cost_performance_index:number critical_path_flag:boolean
    data_timestamp:string equipment_id:string equipment_status:string equipment_utilization_rate:number
    last_updated_epoch:integer material_delivery_date:string material_delivery_status:string
    percent_complete:number precipitation_probability:number project_id:string project_name:string
    record_id:string resource_availability:number resource_cost_per_hour:number resource_id:string
    resource_type:string risk_score:number schedule_performance_index:number scheduled_end_date:string
    scheduled_start_date:string supplier_id:string task_id:string task_name:string task_status:string
    temperature_fahrenheit:number weather_condition:string wind_speed_mph:number`,
  cpg: `
    average_order_value:number customer_id:string customer_ltv:number customer_satisfaction_rate:number
    customer_segment:string demand_forecast:integer inventory_level:integer inventory_turnover:number
    last_updated_epoch:integer order_date:string order_frequency:integer order_id:string order_status:string
    order_total:number overstock_rate:number price_elasticity:number price_optimization_date:string
    price_optimization_flag:boolean price_optimization_recommendation:string price_optimization_result:string
    product_category:string product_id:string product_price:number product_rating:number
    product_review_count:integer product_subcategory:string record_id:string revenue_growth_rate:number
    stockout_rate:number`,
  fpr: `
    account_balance:number customer_churn_probability:number customer_email:string customer_id:string
    customer_lifecycle_stage:string customer_lifecycle_stage_transition_date:string customer_name:string
    customer_product_affinity:number customer_product_affinity_trend:string customer_product_interests:string
    customer_product_usage:string customer_product_usage_trend:string customer_satisfaction_score:number
    customer_segment:string customer_transaction_count:integer customer_transaction_value:number
    last_updated_epoch:integer product_id:string product_name:string product_recommendation:string
    product_recommendation_date:string product_recommendation_status:string product_sales_amount:number
    product_sales_date:string product_terms:string product_type:string recommendation_score:number
    record_id:string transaction_history:string`,
  fts: `
    customer_id:string downtime_hours:integer equipment_id:string erp_order_id:string failure_rate:number
    last_updated_epoch:integer log_date:string log_description:string maintenance_cost:number
    maintenance_status:string maintenance_type:string record_id:string summarization_time_saved:integer
    summarized_log:string technician_id:string`,
  hed: `
    academic_standing:string advisor_id:string assignment_submissions:integer at_risk_flag:boolean
    avg_assignment_score:number course_completion_rate:number credit_hours_attempted:integer
    credit_hours_earned:integer current_gpa:number discussion_posts:integer engagement_score:number
    enrollment_date:string financial_aid_amount:number intervention_count:integer last_login_date:string
    last_updated:string last_updated_epoch:integer major_code:string plagiarism_incidents:integer record_id:string
    student_id:string total_course_views:integer writing_quality_score:number`,
  hpt: `
    activity_preferences:string event_availability_status:string event_category:string event_id:string
    event_name:string event_start_datetime:string guest_id:string guest_preference_score:number
    guest_sentiment_rating:number last_updated_epoch:integer preferred_cuisine_types:string
    recommendation_timestamp:string record_id:string temperature_fahrenheit:number
    transportation_cost_estimate:number transportation_eta_minutes:integer venue_id:string venue_latitude:number
    venue_longitude:number venue_name:string venue_price_level:integer venue_rating:number
    weather_condition:string`,
  icp: `
    claim_amount:number claim_category:string claim_date:string claim_description:string claim_id:string
    claim_outcome:string claim_outcome_confidence:number claim_outcome_date:string
    claim_outcome_probability:number claim_processing_duration:integer claim_processing_end_date:string
    claim_processing_error:boolean claim_processing_error_reduction:number claim_processing_notes:string
    claim_processing_start_date:string claim_processing_time:number claim_processing_time_reduction:number
    claim_status:string claim_status_history:string claim_subcategory:string claim_type:string
    customer_email:string customer_id:string customer_interaction_history:string customer_name:string
    customer_satisfaction_rating:integer customer_satisfaction_rating_improvement:integer customer_segment:string
    last_updated_epoch:integer operational_cost:number operational_cost_reduction:number
    policy_effective_date:string policy_id:string record_id:string`,
  met: `
    age_range:string avg_session_duration:number content_preferences:string conversion_rate:number
    customer_id:string customer_segment:string email_address:string engagement_trend:string first_name:string
    gender:string last_name:string last_purchase_date:string last_updated_epoch:integer lead_score:integer
    location_city:string location_country:string predicted_churn_risk:number purchase_frequency:integer
    recommended_content_type:string record_id:string record_timestamp:string social_engagement_score:number
    social_media_followers:integer total_purchase_value:number website_sessions:integer`,
  mso: `
    cad_file_name:string cad_system:string cost_savings:number density:number designer_experience:integer
    designer_id:string designer_name:string designer_skill_level:string last_updated_epoch:integer
    material_cost:number material_id:string material_name:string material_optimization_date:string
    material_optimization_recommendation:string material_optimization_score:number material_selection_date:string
    material_selection_recommendation:string material_selection_score:number material_waste:number
    material_weight:number performance_improvement:number poissons_ratio:number product_description:string
    product_id:string product_lifecycle_stage:string product_lifecycle_status:string product_name:string
    product_performance:number record_id:string waste_reduction:number weight_reduction:number
    youngs_modulus:number`,
  phr: `
    disease_area:string dropout_rate:number enrollment_date:string enrollment_rate:number
    last_updated_epoch:integer patient_age:integer patient_gender:string patient_id:string
    protocol_amendment_date:string protocol_id:string record_id:string regulatory_approval_status:string
    site_id:string site_name:string sponsor_name:string trial_id:string trial_name:string trial_status:string`,
  rdp: `
    average_order_value:number customer_id:string customer_lifetime_value:number customer_satisfaction_rate:number
    customer_segment:string demand_forecast:integer inventory_level:integer inventory_turnover:number
    last_updated_epoch:integer order_date:string order_frequency:integer order_id:string order_status:string
    order_total:number overstock_rate:number price_elasticity:number price_optimization_date:string
    price_optimization_flag:boolean price_optimization_recommendation:string price_optimization_result:string
    product_category:string product_id:string product_price:number product_rating:number
    product_review_count:integer product_subcategory:string record_id:string revenue_growth_rate:number
    stockout_rate:number`,
  spl: `
    actual_sales_units:number adjusted_demand_forecast:number baseline_demand_forecast:number
    category_growth_rate:number competitor_price_index:number consumer_confidence_index:number
    current_inventory_level:number economic_indicator_gdp:number forecast_accuracy_mape:number
    forecast_date:string forecast_horizon_days:integer last_updated_epoch:integer location_code:string
    market_share_percent:number pos_transaction_count:integer product_sku:string promotion_discount_percent:number
    promotional_activity_flag:boolean record_id:string sales_rep_adjustment:number seasonal_index:number
    stockout_indicator:boolean`,
  tlc: `
    account_created_date:string account_name:string churn_risk_probability:number customer_id:string
    customer_tier:string data_consumption_gb:number engagement_score:number last_interaction_date:string
    last_updated_epoch:integer last_updated_timestamp:string monthly_usage_minutes:integer
    network_performance_rating:number payment_status:string record_id:string retention_campaign_active:boolean
    service_quality_score:number social_mentions_count:integer social_sentiment_score:number
    support_tickets_count:integer total_contract_value:number usage_trend_30d:string`,
};

// Values from the lab's sample records, for every field whose format we check: each must
// match the format our definition gives the field.
const LAB_SAMPLE_VALUES: Record<string, Record<string, string>> = {
  agr: { animal_id: 'ANIMAL_000000', farm_id: 'FARM_000000', record_id: '42e76305-0fdf-44a6-aa5a-f5c767086027' },
  cds: { clinical_trial_id: 'Trial_000000', medical_publication_id: 'Publication_000000', patient_id: 'Patient_000000', publication_date: '2024-11-19', publication_title: 'Publication 1', record_id: 'a0d9d670-1bdc-434e-8ef4-39eafec4907f', trial_name: 'Trial 2' },
  con: { actual_end_date: '2024-10-24', actual_start_date: '2024-09-08', data_timestamp: '2024-11-17 04:46:00', equipment_id: 'EQ_3861', material_delivery_date: '2024-11-08', project_id: 'PROJ_2824', record_id: '44638d61-7843-4319-9353-ecb170f3e441', resource_id: 'RES_5372', scheduled_end_date: '2024-10-09', scheduled_start_date: '2024-08-30', supplier_id: 'SUP_149', task_id: 'TASK_72163' },
  cpg: { customer_id: 'CUSTOMER_000000', order_date: '2024-09-01', order_id: 'ORDER_000000', price_optimization_date: '2024-11-17', product_id: 'PRODUCT_000000', record_id: '2f06d249-1391-4079-8726-7d2862911ff4' },
  fpr: { customer_email: 'customer1@example.com', customer_id: 'CUST_000000', customer_lifecycle_stage_transition_date: '2024-07-27', customer_name: 'Customer 1', customer_product_affinity_trend: 'Product Affinity Trend 1', customer_product_interests: 'Product Interest 1', customer_product_usage: 'Product Usage 1', customer_product_usage_trend: 'Product Usage Trend 1', product_id: 'PROD_000000', product_name: 'Product 1', product_recommendation_date: '2024-09-12', product_sales_date: '2025-03-24', record_id: '23f99867-3171-4769-9ca3-36edeac4f0ac', transaction_history: 'Transaction History 1' },
  fts: { customer_id: 'CUST_000600', equipment_id: 'EQUIP_000600', erp_order_id: 'ORDER_000600', log_date: '2026-02-17', record_id: '65b2df8b-1fe4-4095-9de6-f2dd0a42b817', technician_id: 'TECH_000600' },
  hed: { record_id: '076cc9ae-6c0b-43fd-8d78-277fec3d0a8a', student_id: 'STU_202400000', enrollment_date: '2024-08-11 0:00:00', advisor_id: 'ADV_1131', last_login_date: '2025-07-27 14:28:37', last_updated: '2025-07-31 23:57:37' },
  hpt: { event_id: 'EVT_00000', event_start_datetime: '2024-09-19T15:45:00', guest_id: 'GUEST_00000', recommendation_timestamp: '2024-10-07T11:50:00', record_id: '2041bd63-f4d5-4e2d-a984-a58550f6dff8', venue_id: 'VEN_00000' },
  icp: { claim_date: '2024-10-17', claim_id: 'CLAIM_000000', claim_outcome_date: '2024-07-05', claim_processing_end_date: '2024-10-31', claim_processing_notes: 'Notes 0', claim_processing_start_date: '2024-08-20', claim_status_history: 'Status 0', customer_email: 'customer0@example.com', customer_id: 'CUSTOMER_000000', customer_interaction_history: 'Interaction 0', customer_name: 'Customer 0', policy_effective_date: '2024-10-09', policy_id: 'POLICY_000000', record_id: 'e4fd12be-10f1-4306-8a21-3abe5a9ddb36' },
  met: { content_preferences: '["Action", "Adventure", "Thriller"]', customer_id: 'CUST_770487', email_address: 'ava.lopez@gmail.com', last_purchase_date: '2023-12-14T00:00:00', record_id: 'd19002cc-0879-4e6b-8724-d255852a529e', record_timestamp: '2024-11-30T23:57:00' },
  mso: { cad_file_name: 'File 1.dwg', designer_id: 'DES_0000', designer_name: 'Designer 1', material_id: 'MTRL_0000', material_name: 'Material 1', material_optimization_date: '2024-04-29', material_selection_date: '2024-04-28', product_description: 'Description of Product 1', product_id: 'PRD_0000', product_name: 'Product 1', record_id: '22eea48a-60c3-41ed-96be-34352d4c10b9' },
  phr: { enrollment_date: '2025-06-17', patient_id: 'PATIENT_000000', protocol_amendment_date: '2025-02-19', protocol_id: 'PROTOCOL_000000', record_id: 'b2e363a9-18cd-4b42-b731-6f5fec91f22c', site_id: 'SITE_000000', trial_id: 'TRIAL_000000' },
  rdp: { customer_id: 'CUSTOMER_000000', order_date: '2024-09-01', order_id: 'ORDER_000000', price_optimization_date: '2024-11-17', product_id: 'PRODUCT_000000', record_id: '2f06d249-1391-4079-8726-7d2862911ff4' },
  spl: { forecast_date: '2024-11-04 00:00:00.000', location_code: 'DC-CO-719', product_sku: 'GROC-37549', record_id: 'a94571cc-a039-4bba-9bdd-8be6827c9dde' },
  tlc: { account_created_date: '2023-07-27 00:00:00', account_name: 'SmartLink LLC', customer_id: 'CUST_489957', last_interaction_date: '2024-08-04 00:00:00', last_updated_timestamp: '2024-08-21 18:00:00', record_id: '73541b43-37a5-42f8-becd-6e9c0d6dd234' },
};

const labFields = (prefix: string) => LAB_FIELDS[prefix]!.trim().split(/\s+/).map((pair) => pair.split(':') as [string, string]);
const generic = ALL_VERTICALS.filter((v) => v.prefix !== 'hed');

const DATE_PATTERNS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
  iso: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
  'datetime-millis': /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.000$/,
  'loose-datetime': /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}$/,
};
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether a value is written in the field's format (true for fields without one). */
function inFormat(field: FieldDefinition, value: unknown): boolean {
  const format = field.format;
  if (!format) return true;
  switch (format.kind) {
    case 'uuid':
      return typeof value === 'string' && UUID_V4.test(value);
    case 'pattern':
      return typeof value === 'string' && new RegExp(format.pattern).test(value);
    case 'date':
      return typeof value === 'string' && DATE_PATTERNS[format.format]!.test(value) && !Number.isNaN(Date.parse(value.slice(0, 10)));
    case 'epoch-seconds':
      return Number.isInteger(value) && (value as number) > 1_600_000_000 && (value as number) < 1_900_000_000;
  }
}

const jsonTypeOf = (value: unknown) => (typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'string' : Number.isInteger(value) ? 'integer' : 'number');

t.test('the registry holds the fifteen verticals of the lab, each with its table, path, key and 600 records', async (t) => {
  t.same(Object.keys(VERTICALS), [...VERTICAL_PREFIXES]);
  t.same(Object.keys(LAB_FIELDS), [...VERTICAL_PREFIXES], 'the fixture covers every vertical');
  for (const v of ALL_VERTICALS) {
    t.equal(v.table, `${v.prefix}_records`);
    t.equal(v.path, `/${v.prefix}_data`);
    t.equal(v.specPath, `/${v.prefix}_api_spec`);
    t.same(v.primaryKey, ['record_id']);
    t.equal(v.recordCount, 600);
  }
});

t.test("each definition has the lab sample's field names and JSON types, in the hosted API's order", async (t) => {
  for (const v of generic) {
    t.same(v.fields.map((f) => [f.name, f.type]), labFields(v.prefix), `${v.prefix}: fields and types`);
  }
  // HED is served in the kit's own order (api/record.ts); the names and types are the lab's.
  const hed = VERTICALS.hed;
  t.same(hed.fields.map((f) => f.name), RECORD_FIELDS, 'hed: the order HED is served in');
  t.same(
    hed.fields.map((f) => [f.name, f.type]).sort(),
    labFields('hed').sort(),
    'hed: the lab sample names and types',
  );
});

t.test("the lab's sample values are in the formats the definitions give their fields", async (t) => {
  for (const v of ALL_VERTICALS) {
    const samples = LAB_SAMPLE_VALUES[v.prefix]!;
    const formatted = v.fields.filter((f) => f.format && f.format.kind !== 'epoch-seconds');
    t.same(Object.keys(samples).sort(), formatted.map((f) => f.name).sort(), `${v.prefix}: a sample value for every formatted field`);
    for (const field of formatted) t.ok(inFormat(field, samples[field.name]), `${v.prefix}.${field.name}: ${samples[field.name]}`);
  }
});

t.test('generated records have the fields, JSON types and formats of the definition, in order', async (t) => {
  for (const v of generic) {
    const records = [...generateRecords(v, 42, v.recordCount)];
    t.equal(records.length, 600);
    const names = v.fields.map((f) => f.name);
    const bad: string[] = [];
    for (const record of records) {
      if (Object.keys(record).join() !== names.join()) bad.push(`keys of ${String(record.record_id)}`);
      for (const field of v.fields) {
        const value = record[field.name];
        // A whole decimal (12.0) is still a JSON number; jsonTypeOf calls it integer.
        const type = jsonTypeOf(value);
        if (!(type === field.type || (field.type === 'number' && type === 'integer'))) bad.push(`${field.name} is ${type}`);
        if (!inFormat(field, value)) bad.push(`${field.name} = ${String(value)}`);
      }
    }
    t.same(bad.slice(0, 5), [], `${v.prefix}: every record`);
    t.equal(new Set(records.map((r) => r.record_id)).size, 600, `${v.prefix}: record_id is unique`);
  }
});

t.test('values stay in their ranges and lists, sequences count from the index, epochs ascend', async (t) => {
  for (const v of generic) {
    const records = [...generateRecords(v, 42, 600)];
    for (const field of v.fields) {
      const gen = field.gen;
      const values = records.map((r) => r[field.name]);
      if (gen.kind === 'number' || gen.kind === 'integer') {
        const nums = values as number[];
        const lo = gen.kind === 'number' && gen.zeroUnless ? Math.min(0, gen.min) : gen.min;
        t.ok(nums.every((x) => x >= lo && x <= gen.max), `${v.prefix}.${field.name} in [${lo}, ${gen.max}]`);
        t.ok(new Set(nums).size > 1, `${v.prefix}.${field.name} varies`);
      }
      if (gen.kind === 'number') {
        const f = 10 ** gen.decimals;
        t.ok((values as number[]).every((x) => Math.abs(Math.round(x * f) / f - x) < 1e-9), `${v.prefix}.${field.name} has at most ${gen.decimals} decimals`);
      }
      if (gen.kind === 'enum') t.ok(values.every((x) => gen.values.includes(x as string)), `${v.prefix}.${field.name} is one of its values`);
      if (gen.kind === 'sequence') t.equal(values[7], `${gen.prefix}${String(7 + (gen.offset ?? 0)).padStart(gen.digits, '0')}`, `${v.prefix}.${field.name} of record 7`);
      if (gen.kind === 'epoch') {
        const epochs = values as number[];
        t.ok(epochs.every((e, i) => i === 0 || e > epochs[i - 1]!), `${v.prefix}: last_updated_epoch ascends with the change sequence`);
        t.ok(epochs[0]! >= v.startEpoch && epochs[0]! < v.startEpoch + 6, `${v.prefix}: the first epoch is the definition's start`);
      }
      if (gen.kind === 'date' && gen.after) {
        const { field: from, minDays, maxDays } = gen.after;
        const gaps = records.map((r) => (Date.parse(`${String(r[field.name]).slice(0, 10)}Z`) - Date.parse(`${String(r[from]).slice(0, 10)}Z`)) / 86_400_000);
        t.ok(gaps.every((g) => g >= minDays && g <= maxDays), `${v.prefix}.${field.name} is ${minDays}-${maxDays} days after ${from}`);
      }
      if (gen.kind === 'number' && gen.zeroUnless) {
        const gate = gen.zeroUnless;
        t.ok(records.every((r) => (r[gate] === true) === (r[field.name] !== 0)), `${v.prefix}.${field.name} is 0 exactly when ${gate} is false`);
      }
      if (gen.kind === 'email') {
        t.ok(records.every((r) => String(r[field.name]).startsWith(`${String(r[gen.first]).toLowerCase()}.${String(r[gen.last]).toLowerCase()}@`)), `${v.prefix}.${field.name} is built from the record's names`);
      }
      if (gen.kind === 'json-list') {
        t.ok(records.every((r) => {
          const list = JSON.parse(String(r[field.name])) as string[];
          return list.length >= gen.min && list.length <= gen.max && new Set(list).size === list.length && list.every((x) => gen.values.includes(x));
        }), `${v.prefix}.${field.name} is a JSON list of distinct values`);
      }
    }
  }
});

t.test('the JSON text is the record, with every decimal written as a JSON number with a point', async (t) => {
  for (const v of generic) {
    const texts = [...generateRecordJson(v, 42, 600)];
    const records = [...generateRecords(v, 42, 600)];
    t.ok(texts.every((text, i) => JSON.stringify(JSON.parse(text)) === JSON.stringify(records[i])), `${v.prefix}: the text parses to the record`);
    const decimals = v.fields.filter((f) => f.type === 'number').map((f) => f.name);
    const pointless = texts.flatMap((text) => decimals.filter((name) => !new RegExp(`"${name}":-?[0-9]+\\.[0-9]+[,}]`).test(text)));
    t.same(pointless.slice(0, 3), [], `${v.prefix}: decimals keep a point, as the hosted API's floats do (0.0)`);
  }
});

t.test("HED's definition names its own builder: the generic generator refuses it, the builder gives HED's records and checksum", async (t) => {
  t.throws(() => compileVertical(VERTICALS.hed), VerticalError);
  t.throws(() => [...generateRecords(VERTICALS.hed, 42, 1)], /verticals\/hed\/build\.ts/);
  t.equal(VERTICALS.hed.builder?.module, 'verticals/hed/build.ts');
  const hed = await verticalBuilder(VERTICALS.hed);
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/dataset-checksum.json', import.meta.url), 'utf8')) as { seed: number; students: number; sha256: string };
  t.equal(hed.checksum(fixture.seed, fixture.students), fixture.sha256, "seed 42's 600 students: the fixture's checksum");
  const records = [...hed.records(42, 3)];
  t.same(records.map((r) => Object.keys(r)), [0, 1, 2].map(() => VERTICALS.hed.fields.map((f) => f.name)), 'records carry the definition\'s fields in its order');
  t.not(records[0]!.record_id, records[1]!.record_id, 'records differ');
  const agr = await verticalBuilder(VERTICALS.agr);
  t.same([...agr.records(42, 2)], [...generateRecords(VERTICALS.agr, 42, 2)], 'a vertical without a builder: the generic generator');
  t.equal(agr.checksum(42, 600), verticalChecksum(VERTICALS.agr, 42, 600));
});

t.test('the app facts of each definition name fields the definition has, of fitting types', async (t) => {
  for (const v of ALL_VERTICALS) {
    const byName = new Map(v.fields.map((f) => [f.name, f]));
    const has = (name: string, what: string) => t.ok(byName.has(name), `${v.prefix}: ${what} ${name} is a field`);
    const numeric = (name: string) => ['number', 'integer'].includes(byName.get(name)?.type ?? '');
    t.equal(v.app.kpis.length, 4, `${v.prefix}: four KPIs`);
    t.equal(v.app.focusAreas.length, 4, `${v.prefix}: four focus areas`);
    t.match(v.app.title, new RegExp(`^${v.app.name} – `), `${v.prefix}: the title starts with the app's name`);
    for (const kpi of v.app.kpis) {
      has(kpi.formula.field, `KPI ${kpi.label}:`);
      if (kpi.formula.op === 'mean' || kpi.formula.op === 'sum') t.ok(numeric(kpi.formula.field), `${v.prefix}: ${kpi.label} averages or sums a number`);
    }
    for (const chart of v.app.charts) {
      const fields = Object.entries(chart).filter(([k]) => !['kind', 'title', 'mark'].includes(k)).map(([, name]) => String(name));
      for (const name of fields) has(name, `chart "${chart.title}":`);
      if (chart.kind === 'histogram' || chart.kind === 'boxplot' || chart.kind === 'mean-by' || chart.kind === 'trend') {
        t.ok(numeric(chart.kind === 'histogram' ? chart.field : chart.value), `${v.prefix}: "${chart.title}" measures a number`);
      }
    }
    for (const name of v.app.summary) t.ok(numeric(name), `${v.prefix}: summary field ${name} is numeric`);
    for (const name of v.app.categories) t.equal(byName.get(name)?.type, 'string', `${v.prefix}: category ${name} is a string field`);
    has(v.risk.field, 'risk');
  }
});

t.test('definitions with a broken field are refused with a message naming the field', async (t) => {
  const base = VERTICALS.agr;
  const withField = (field: FieldDefinition): VerticalDefinition => ({ ...base, fields: [...base.fields, field] });
  t.throws(() => compileVertical(withField({ name: 'end', type: 'string', gen: { kind: 'date', from: '2024-01-01', to: '2024-01-01', after: { field: 'nope', minDays: 1, maxDays: 2 } } })), /agr: a field reads "nope"/);
  t.throws(() => compileVertical(withField({ name: 'x', type: 'number', gen: { kind: 'number', min: 0, max: 1, decimals: 11 } })), /agr\.x: decimals must be/);
  t.throws(() => compileVertical(withField({ name: 'x', type: 'string', gen: { kind: 'enum', values: ['a', 'b'], weights: [1] } })), /agr\.x: 1 weights for 2 values/);
  t.throws(() => compileVertical(withField({ name: 'x', type: 'string', gen: { kind: 'date', from: '2024/01/01', to: '2024-01-02' } })), /not a day written YYYY-MM-DD/);
  t.throws(
    () =>
      compileVertical({
        ...base,
        fields: [
          { name: 'a', type: 'string', format: { kind: 'date', format: 'date' }, gen: { kind: 'date', from: '2024-01-01', to: '2024-01-01', after: { field: 'b', minDays: 0, maxDays: 1 } } },
          { name: 'b', type: 'string', format: { kind: 'date', format: 'date' }, gen: { kind: 'date', from: '2024-01-01', to: '2024-01-01', after: { field: 'a', minDays: 0, maxDays: 1 } } },
        ],
      }),
    /reads itself through other fields/,
  );
});
