//! The sentences of the folder browser and the About dialog, with names and numbers in them.

use super::Lang;
use crate::gui::folder_browser::NameProblem;
use crate::gui::tasks::IoProblem;

impl Lang {
    /// Why the browser cannot show a folder: `This folder cannot be read: permission denied.`
    pub fn folder_unreadable(self, problem: &IoProblem) -> String {
        let why = self.io_problem(problem);
        match self {
            Lang::En => format!("This folder cannot be read: {why}."),
            Lang::Zh => format!("无法读取这个文件夹：{why}。"),
        }
    }

    /// Why the New folder form made no folder.
    pub fn new_folder_problem(self, problem: &NameProblem) -> String {
        match (self, problem) {
            (_, NameProblem::BadName) => self.t().browse_bad_name.to_owned(),
            (Lang::En, NameProblem::NotCreated { name, problem })
                if problem.kind == std::io::ErrorKind::AlreadyExists =>
            {
                format!("There is already a folder or file named “{name}” here.")
            }
            (Lang::Zh, NameProblem::NotCreated { name, problem })
                if problem.kind == std::io::ErrorKind::AlreadyExists =>
            {
                format!("这里已有名为“{name}”的文件夹或文件。")
            }
            (Lang::En, NameProblem::NotCreated { name, problem }) => format!(
                "The folder “{name}” could not be created: {}.",
                self.io_problem(problem)
            ),
            (Lang::Zh, NameProblem::NotCreated { name, problem }) => {
                format!("无法创建文件夹“{name}”：{}。", self.io_problem(problem))
            }
        }
    }

    /// `Version 0.1.0`.
    pub fn about_version(self, version: &str) -> String {
        match self {
            Lang::En => format!("Version {version}"),
            Lang::Zh => format!("版本 {version}"),
        }
    }

    /// `Licence: MIT OR Apache-2.0`.
    pub fn about_licence(self, licence: &str) -> String {
        match self {
            Lang::En => format!("Licence: {licence}"),
            Lang::Zh => format!("许可证：{licence}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_new_folder_problem_has_a_chinese_sentence() {
        let refused = |kind: std::io::ErrorKind| NameProblem::NotCreated {
            name: "音乐".into(),
            problem: IoProblem::from(&std::io::Error::from(kind)),
        };
        let problems = [
            NameProblem::BadName,
            refused(std::io::ErrorKind::AlreadyExists),
            refused(std::io::ErrorKind::PermissionDenied),
        ];
        for problem in &problems {
            let english = Lang::En.new_folder_problem(problem);
            let chinese = Lang::Zh.new_folder_problem(problem);
            assert!(english.is_ascii() || english.contains('“'), "{english}");
            assert!(
                chinese
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{chinese}"
            );
        }
        assert_eq!(
            Lang::Zh.new_folder_problem(&problems[2]),
            "无法创建文件夹“音乐”：没有权限。"
        );
    }
}
