const path = require('path');
const { task, src, dest, parallel } = require('gulp');

function copyIconsFrom(folder) {
	const copy = () =>
		src(path.resolve(folder, '**', '*.{png,svg}'), { encoding: false }).pipe(
			dest(path.resolve('dist', folder)),
		);
	copy.displayName = `copy ${folder} icons`;
	return copy;
}

task('build:icons', parallel(copyIconsFrom('nodes'), copyIconsFrom('credentials')));

// The output schemas n8n shows before a run (nodes/*/__schema__), copied as written: tsc also
// emits the JSON files it includes, but reformatted.
task('build:schemas', () =>
	src(path.resolve('nodes', '**', '__schema__', '**', '*.json')).pipe(
		dest(path.resolve('dist', 'nodes')),
	),
);
