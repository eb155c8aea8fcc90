console.log("okhook");
