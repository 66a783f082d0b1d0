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
