import { policyCases } from '../../../test/helpers/policy-cases.js';
import { describeRule } from '../../../test/helpers/rule-table.js';
import { compressionMismatchRule } from './compression-mismatch.js';

describeRule(compressionMismatchRule, policyCases('compression'));
