import { knownFields } from '../../../nodes/shared/knownFields';
import { commaSeparated, isNonBlank, nonBlank } from '../../../nodes/shared/text';

describe('nonBlank', () => {
	it('trims text and turns blank or non-string values into undefined', () => {
		expect(nonBlank('  Jenny Rosen \n')).toBe('Jenny Rosen');
		for (const value of ['', '   ', '\t\n', undefined, null, 0, false, ['x'], { x: 1 }]) {
			expect(nonBlank(value)).toBeUndefined();
			expect(isNonBlank(value)).toBe(false);
		}
		expect(isNonBlank(' x ')).toBe(true);
	});
});

describe('commaSeparated', () => {
	it('splits on commas, trims each entry and drops the empty ones', () => {
		expect(commaSeparated(' cm1, cm2 ,,cm3 ,')).toEqual(['cm1', 'cm2', 'cm3']);
		expect(commaSeparated('data')).toEqual(['data']);
		expect(commaSeparated(' , ')).toEqual([]);
	});

	it('reads an array entry by entry (an expression may hand over a list), anything else as no entries', () => {
		expect(commaSeparated([' cm1 ', '', 'cm2', 7])).toEqual(['cm1', 'cm2', '7']);
		expect(commaSeparated(undefined)).toEqual([]);
		expect(commaSeparated(null)).toEqual([]);
		expect(commaSeparated({ cm1: true })).toEqual([]);
	});
});

describe('knownFields', () => {
	it('drops empty, blank, null and undefined; trims strings; keeps false, 0 and objects', () => {
		expect(knownFields({ a: 'x ', b: '', c: '  ', d: null, e: undefined, f: false, g: 0, h: { cm1: true } })).toEqual({
			a: 'x',
			f: false,
			g: 0,
			h: { cm1: true },
		});
	});
});
